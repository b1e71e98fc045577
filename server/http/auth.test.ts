import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { expect, it } from 'vitest';
import { forEachDialect, type TestApi } from '../../test/helpers/harness';
import { bearer, sessionTokenFor } from '../../test/helpers/login';
import { Sessions } from '../sessions/sessions';
import { requireSession, sessionOf } from './auth';
import { installErrorHandling } from './error-handler';
import type { ApiInstance } from './route-types';

/** A bare Fastify with one route per requirement, guarded by requireSession over the test API's storage. */
async function guardedRoutes(t: TestApi) {
  const sessions = new Sessions(t.api.context);
  const app: ApiInstance = Fastify({ loggerInstance: t.api.context.log }).withTypeProvider<ZodTypeProvider>();
  app.decorateRequest('session', null);
  installErrorHandling(app);
  app.get('/full-only', { preHandler: requireSession(sessions) }, async (request) => ({
    scope: sessionOf(request).scope,
  }));
  app.get(
    '/enrollment-too',
    { preHandler: requireSession(sessions, { allowEnrollment: true }) },
    async (request) => ({ scope: sessionOf(request).scope }),
  );
  await app.ready();
  return {
    sessions,
    async get(url: string, headers: Record<string, string>) {
      const response = await app.inject({ method: 'GET', url, headers });
      return { status: response.statusCode, body: response.json() };
    },
    close: () => app.close(),
  };
}

forEachDialect('requireSession', (t) => {
  it('keeps an enrollment session out of routes that need a full session', async () => {
    const account = await t().activeAccount();
    const token = await sessionTokenFor(t(), account);
    const routes = await guardedRoutes(t());
    try {
      const refused = await routes.get('/full-only', bearer(token));
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('enrollment_required');
      expect(await routes.get('/enrollment-too', bearer(token))).toEqual({
        status: 200,
        body: { scope: 'enrollment' },
      });
    } finally {
      await routes.close();
    }
  });

  it('lets a full session through either kind of route', async () => {
    const account = await t().activeAccount();
    const routes = await guardedRoutes(t());
    try {
      const row = await t()
        .db.selectFrom('accounts')
        .select('id')
        .where('email', '=', account.email)
        .executeTakeFirstOrThrow();
      const full = await routes.sessions.create(t().db, row.id, { scope: 'full' });
      expect(await routes.get('/full-only', bearer(full.token))).toEqual({
        status: 200,
        body: { scope: 'full' },
      });
      expect((await routes.get('/enrollment-too', bearer(full.token))).status).toBe(200);
    } finally {
      await routes.close();
    }
  });

  it('answers 401 unauthenticated, not 403, when there is no live session at all', async () => {
    const account = await t().activeAccount();
    const token = await sessionTokenFor(t(), account);
    const routes = await guardedRoutes(t());
    try {
      for (const url of ['/full-only', '/enrollment-too']) {
        const missing = await routes.get(url, {});
        expect(missing.status).toBe(401);
        expect(missing.body.error.code).toBe('unauthenticated');
      }
      t().clock.advance(12 * 3_600_000);
      const expired = await routes.get('/full-only', bearer(token));
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('unauthenticated');
    } finally {
      await routes.close();
    }
  });
});
