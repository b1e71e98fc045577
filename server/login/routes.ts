import { z } from 'zod';
import { loginRequest, loginResponse, logoutRequest, meResponse } from '../../common/contract/http';
import type { ServerContext } from '../context';
import { requireSession, sessionOf } from '../http/auth';
import { errorResponses, type ApiInstance } from '../http/route-types';
import type { LoginService } from './login-service';
import { myDetails } from './me';
import type { Sessions } from './sessions';
import type { TrustedDevices } from '../mfa/trusted-devices';

const bearer = [{ bearer: [] }];

export function loginRoutes(
  app: ApiInstance,
  ctx: ServerContext,
  login: LoginService,
  sessions: Sessions,
  devices: TrustedDevices,
): void {
  app.post(
    '/v1/login',
    {
      schema: {
        tags: ['login'],
        summary: 'Check email and password; answers with the next step of the login',
        body: loginRequest,
        response: { 200: loginResponse, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => login.login(request.body, request.ip),
  );

  app.post(
    '/v1/logout',
    {
      preHandler: requireSession(sessions, { allowEnrollment: true }),
      schema: {
        tags: ['login'],
        summary: 'End this session (and forget the given trusted device)',
        security: bearer,
        // Fastify hands a request without a body to the validator as null: both mean "no device token".
        body: logoutRequest.nullish(),
        response: { 204: z.null().describe('Signed out'), ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      await ctx.db.transaction().execute(async (trx) => {
        await sessions.revoke(trx, session.id);
        // Explicit logout forgets this computer (rule 5); closing the app does not call this.
        if (request.body?.deviceToken)
          await devices.revokeByToken(trx, session.accountId, request.body.deviceToken);
        await ctx.audit.record(trx, {
          accountId: session.accountId,
          actor: 'user',
          action: 'session.revoked',
          detail: { reason: 'logout' },
          ip: request.ip,
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/me',
    {
      preHandler: requireSession(sessions, { allowEnrollment: true }),
      schema: {
        tags: ['me'],
        summary: 'The signed-in account, its factors and this session',
        security: bearer,
        response: { 200: meResponse, ...errorResponses(401) },
      },
    },
    async (request) => myDetails(ctx.db, sessionOf(request)),
  );
}
