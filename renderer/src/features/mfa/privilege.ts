import type { MeResponse } from '../../../../common/contract/http';

/** docs/api.md: proving a factor lets the session change factors for this long. */
const privilegeMs = 10 * 60_000;

/**
 * Until when this session may change factors, by this computer's clock: the server's privilegedUntil,
 * or ten minutes from a step-up made here (which also holds when the two clocks disagree).
 */
export function privilegedUntil(
  me: Pick<MeResponse, 'session'> | undefined,
  steppedUpAt: number | undefined,
): number | undefined {
  const server = me?.session.privilegedUntil ? Date.parse(me.session.privilegedUntil) : Number.NaN;
  const local = steppedUpAt === undefined ? Number.NaN : steppedUpAt + privilegeMs;
  const until = Math.max(Number.isFinite(server) ? server : 0, Number.isFinite(local) ? local : 0);
  return until > 0 ? until : undefined;
}
