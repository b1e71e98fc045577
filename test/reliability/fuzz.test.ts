import { anonymousSessionSeconds } from '../../server/oidc/provider';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApi, type TestApi } from '../helpers/harness';
import {
  expectContractError,
  expectPageOrContractError,
  jsonHeaders,
  sendRaw,
  type RawResponse,
  registeredRoutes,
  snapshotTables,
} from '../helpers/http-robustness';

// docs/security.md 30, by property: on every route the app registers, arbitrary JSON bodies, path
// parameters, query strings and bearer tokens give a refusal with a contract error code, never a 5xx,
// and change no row. Seeded, so a failure names a case that reproduces.

const runsPerRoute = 25;
const seed = 8_2024;

/** Routes that answer anyone, whatever they send: they may succeed, but never fail or write. */
const openRoutes = new Set(['GET /healthz', 'GET /readyz', 'GET /openapi.json', 'GET /v1/info']);
/** The pages behind mailed links answer a browser: their refusals may be HTML pages. */
const pages = ['/activate', '/reset-password', '/confirm-email'];

/**
 * The portal's pages (server/portal/pages.ts) serve files of the built renderer to anyone: a page, the
 * redirect to it, a 404 for a file that is not there, or, where this checkout has no build, the 503
 * page that tells the operator to build it. Nothing else, whatever the input.
 */
const portalPages = new Set([
  'GET /portal',
  'GET /portal/',
  'GET /portal/index.html',
  'GET /portal/assets/:file',
]);

function expectPortalPage(response: RawResponse, what: string): void {
  expect([200, 308, 404, 503], `${what} -> ${response.status}`).toContain(response.status);
  if (response.status === 503) expect(response.text, what).toContain('npm run build:renderer');
}

const request = fc.record({
  params: fc.array(fc.string({ maxLength: 40 }), { minLength: 4, maxLength: 4 }),
  query: fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), { maxKeys: 3 }),
  body: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
  token: fc.option(fc.string({ minLength: 1, maxLength: 60 }), { nil: undefined }),
});

for (const dialect of dialects) {
  describe(`fuzzing every route [${dialect}]`, () => {
    let t: TestApi;
    beforeAll(async () => {
      t = await startTestApi(dialect);
    });
    afterAll(async () => {
      await t.close();
    });

    it('refuses arbitrary input on every route with a contract error and changes no row', async () => {
      const loginPortal = /^\/(portal|oidc|\.well-known)\//;
      const routes = registeredRoutes(t);
      expect(routes).toContain('POST /v1/login/:loginId/verify');
      const before = await snapshotTables(t.db, t.dialect);
      for (const route of routes) {
        const [method = 'GET', template = '/'] = route.split(' ');
        await fc.assert(
          fc.asyncProperty(request, async ({ params, query, body, token }) => {
            let index = 0;
            const path = template.replace(/:[A-Za-z0-9_]+/g, () =>
              encodeURIComponent(params[index++] || 'x'),
            );
            const search = new URLSearchParams(query).toString();
            const url = search ? `${path}?${search}` : path;
            const headers: Record<string, string> = body === undefined ? {} : { ...jsonHeaders };
            if (token !== undefined) headers.authorization = `Bearer ${token.replace(/[^\x21-\x7e]/g, 'x')}`;
            const response = await sendRaw(t, {
              method,
              url,
              headers,
              payload: body === undefined ? undefined : JSON.stringify(body),
            });
            const what = `${method} ${url} ${JSON.stringify(body)}`;
            if (portalPages.has(route)) return expectPortalPage(response, what);
            expect(response.status, what).toBeLessThan(500);
            // The login portal speaks OAuth (its errors), HTML and the IPC envelope, not the JSON
            // API's error body (docs/api.md, "Login portal"): refused without a 5xx is what counts.
            if (loginPortal.test(template)) return;
            if (openRoutes.has(route) && response.status < 400) return;
            if (pages.some((page) => template.startsWith(page))) expectPageOrContractError(response, what);
            else expectContractError(response, what);
          }),
          { numRuns: runsPerRoute, seed, endOnFailure: true },
        );
      }
      // The only trace arbitrary requests may leave: oidc-provider's anonymous session records (the
      // logout page's xsrf secret), which expire within minutes (server/oidc/provider.ts).
      const after = await snapshotTables(t.db, t.dialect);
      const anonymous = await t.db.selectFrom('oidc_payloads').selectAll().execute();
      for (const row of anonymous) {
        expect(row.kind).toBe('Session');
        expect(JSON.parse(row.payload).accountId).toBeUndefined();
        expect(Number(row.expires_at) - t.clock.now()).toBeLessThanOrEqual(anonymousSessionSeconds * 1000);
      }
      expect({ ...after, oidc_payloads: [] }).toEqual({ ...before, oidc_payloads: [] });
    }, 60_000);
  });
}
