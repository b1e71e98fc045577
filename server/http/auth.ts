import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session, Sessions } from '../sessions/sessions';
import { ApiError } from './api-error';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

export interface SessionRequirement {
  /**
   * An enrollment session (password checked, no factor yet) may reach only what enrolling needs:
   * GET /v1/me, adding and verifying a factor, and logout (docs/api.md). Everything else refuses it.
   */
  allowEnrollment?: boolean;
}

/** A preHandler that admits only a live session of the allowed scope and puts it on the request. */
export function requireSession(sessions: Sessions, requirement: SessionRequirement = {}) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    const session = token ? await sessions.authenticate(token) : undefined;
    if (!session) throw new ApiError('unauthenticated');
    if (session.scope === 'enrollment' && !requirement.allowEnrollment)
      throw new ApiError('enrollment_required');
    request.session = session;
  };
}

/** The session a preHandler admitted; calling it on a route without one is a programming error. */
export function sessionOf(request: FastifyRequest): Session {
  if (!request.session) throw new Error('Route has no requireSession preHandler');
  return request.session;
}
