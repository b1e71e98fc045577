import { ApiError } from '../http/api-error';
import type { Session } from './sessions';

/**
 * A session is privileged — may change factors, make support decisions — for this long after it proved
 * a factor: the verification that created it, or a step-up (docs/api.md "privileged"). A session a
 * trusted computer opened with the password alone is not privileged until a step-up.
 */
export const privilegeMs = 10 * 60_000;

export function isPrivileged(session: Pick<Session, 'privilegedUntil'>, now: number): boolean {
  return session.privilegedUntil !== null && now < session.privilegedUntil;
}

/** step_up_required unless the session proved a factor within the privilege window. */
export function requirePrivileged(session: Pick<Session, 'privilegedUntil'>, now: number): void {
  if (!isPrivileged(session, now)) throw new ApiError('step_up_required');
}
