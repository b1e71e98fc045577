import { z } from 'zod';
import { loginRequest, loginResponse, logoutRequest, meResponse } from '../../common/contract/http';
import type { ServerContext } from '../context';
import { requireSession, sessionOf } from '../http/auth';
import { ApiError } from '../http/api-error';
import { errorResponses, type ApiInstance } from '../http/route-types';
import { iso } from '../support/clock';
import { asLocale } from '../../common/contract/fields';
import type { LoginService } from './login-service';
import type { Sessions } from './sessions';

const bearer = [{ bearer: [] }];

export function loginRoutes(
  app: ApiInstance,
  ctx: ServerContext,
  login: LoginService,
  sessions: Sessions,
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
        body: logoutRequest.optional(),
        response: { 204: z.null().describe('Signed out'), ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      await ctx.db.transaction().execute(async (trx) => {
        await sessions.revoke(trx, session.id);
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
    async (request) => {
      const session = sessionOf(request);
      const account = await ctx.db
        .selectFrom('accounts')
        .select(['id', 'email', 'first_name', 'last_name', 'company', 'locale', 'created_at'])
        .where('id', '=', session.accountId)
        .executeTakeFirst();
      if (!account) throw new ApiError('unauthenticated');
      return {
        id: account.id,
        email: account.email,
        firstName: account.first_name,
        lastName: account.last_name,
        company: account.company,
        locale: asLocale(account.locale),
        createdAt: iso(account.created_at),
        factors: [],
        minRecommendedFactors: 2 as const,
        session: {
          scope: session.scope,
          expiresAt: iso(session.expiresAt),
          privilegedUntil: session.privilegedUntil === null ? null : iso(session.privilegedUntil),
        },
      };
    },
  );
}
