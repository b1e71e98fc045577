import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointNames, endpoints, pathOf, type EndpointName } from '../../common/contract/endpoints';
import { Sessions } from '../../server/sessions/sessions';
import { startTestApi, type TestApi } from '../helpers/harness';
import { registeredRoutes } from '../helpers/http-robustness';
import { bearer, sessionTokenFor } from '../helpers/login';

/**
 * The endpoint catalogue (common/contract/endpoints.ts) is the one list of the API's endpoints: the
 * server serves exactly these (plus the pages below, which are not JSON API endpoints) and docs/api.md
 * documents exactly these.
 */

/**
 * Served outside the catalogue: the activation pages (HTML), the portal's pages (the built renderer,
 * server/portal/pages.ts), the OpenAPI document, the metrics.
 */
const outsideCatalogue = new Set([
  'GET /activate',
  'POST /activate',
  'POST /activate/resend',
  'GET /portal',
  'GET /portal/',
  'GET /portal/index.html',
  'GET /portal/assets/:file',
  'GET /reset-password',
  'GET /confirm-email',
  'POST /confirm-email',
  'GET /openapi.json',
  'GET /metrics',
]);

/** The login portal's pages and the OpenID provider's endpoints: HTML and OAuth, not the JSON API. */
const loginPortal = /^[A-Z]+ \/(portal|oidc|\.well-known)\//;

const catalogued = endpointNames.map((name) => `${endpoints[name].method} ${endpoints[name].path}`).sort();

/**
 * The `method path` cells of docs/api.md's endpoint tables, in Fastify's spelling (`{id}` -> `:id`, no
 * query). Sections marked planned are not served yet and are skipped. A cell may hold two endpoints:
 * `DELETE /v1/me/devices/{id} · DELETE /v1/me/devices`, or `POST …/{id}/approve · /deny` (same method,
 * last segment replaced).
 */
function documentedEndpoints(markdown: string): string[] {
  const found: string[] = [];
  let planned = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) planned = /planned/i.test(line);
    const cell = /^\|\s*((?:GET|POST|PUT|PATCH|DELETE) [^|]*?)\s*\|/.exec(line)?.[1];
    if (planned || cell === undefined || loginPortal.test(cell)) continue;
    let previous: { method: string; path: string } | undefined;
    for (const part of cell.split(' · ')) {
      const [first, second] = part.trim().split(' ');
      const method = second === undefined ? previous?.method : first;
      const written = second ?? first ?? '';
      const full = second === undefined && previous ? previous.path.replace(/\/[^/]+$/, written) : written;
      const route = full.replace(/\?.*$/, '').replace(/\{([^}]+)\}/g, ':$1');
      previous = { method: method ?? '', path: route };
      found.push(`${method} ${route}`);
    }
  }
  return found.sort();
}

/** Well-formed bodies, so a request reaches the session check (Fastify validates input before it). */
const validBodies: Partial<Record<EndpointName, unknown>> = {
  stepUp: { factorId: 'f1' },
  verifyStepUp: { factorId: 'f1', code: '123456' },
  handoff: { clientId: 'wem-modeler' },
  addFactor: { type: 'totp' },
  verifyFactor: { code: '123456' },
  changePassword: { currentPassword: 'x', newPassword: 'y' },
  updateMe: {},
  changeEmail: { newEmail: 'new@example.net', password: 'x' },
  deleteAccount: { password: 'x' },
  approveMfaReset: { note: 'Checked by phone' },
  denyMfaReset: { note: 'Checked by phone' },
};

describe('the endpoint catalogue', () => {
  let api: TestApi | undefined;
  const t = (): TestApi => {
    if (!api) throw new Error('test API not started');
    return api;
  };
  beforeAll(async () => {
    api = await startTestApi('sqlite');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('declares each method and path once', () => {
    expect(new Set(catalogued).size).toBe(catalogued.length);
  });

  it('has a route in the app for every endpoint', () => {
    for (const name of endpointNames) {
      const { method, path: url } = endpoints[name];
      expect(t().api.app.hasRoute({ method, url }), name).toBe(true);
    }
  });

  it('is every route the app serves, apart from the pages outside the JSON API', () => {
    const served = registeredRoutes(t()).filter(
      (route) => !outsideCatalogue.has(route) && !loginPortal.test(route),
    );
    expect(served).toEqual(catalogued);
  });

  it('admits to each endpoint whom its access says, and nobody else', async () => {
    const account = await t().activeAccount();
    const enrollment = await sessionTokenFor(t(), account);
    const row = await t()
      .db.selectFrom('accounts')
      .select('id')
      .where('email', '=', account.email)
      .executeTakeFirstOrThrow();
    const full = (await new Sessions(t().api.context).create(t().db, row.id, { scope: 'full' })).token;
    const send = (name: EndpointName, token?: string) => {
      const { method } = endpoints[name];
      const url = pathOf(endpoints[name], { id: 'x1', loginId: 'x1' });
      return t().request(method, url, validBodies[name], token ? bearer(token) : {});
    };
    const codeOf = (response: Awaited<ReturnType<typeof send>>) => response.body?.error?.code;
    // Logout ends the session it is called with: last.
    const logoutLast = [...endpointNames.filter((name) => name !== 'logout'), 'logout' as const];
    for (const name of logoutLast) {
      const { access } = endpoints[name];
      if (access === 'public') continue;
      expect(codeOf(await send(name)), `${name} without a session`).toBe('unauthenticated');
      const asEnrollment = codeOf(await send(name, enrollment));
      if (access === 'session-or-enrollment') expect(asEnrollment, name).not.toBe('enrollment_required');
      else expect(asEnrollment, name).toBe('enrollment_required');
      if (access === 'support') expect(codeOf(await send(name, full)), name).toBe('forbidden');
    }
  });

  it('is what docs/api.md documents as built', () => {
    const markdown = readFileSync(path.join(import.meta.dirname, '../../docs/api.md'), 'utf8');
    const documented = documentedEndpoints(markdown).filter((route) => !outsideCatalogue.has(route));
    expect(documented).toEqual(catalogued);
  });

  it('reads both endpoints of a shared docs/api.md row and skips planned sections', () => {
    const markdown = [
      '## Endpoints',
      '| DELETE /v1/me/devices/{id} · DELETE /v1/me/devices | session |',
      '| POST /v1/admin/mfa-reset-requests/{id}/approve · /deny | support |',
      '| GET /v1/admin/audit?accountId= | support |',
      '## Account lifecycle (planned: not built yet)',
      '| PATCH /v1/me | session |',
    ].join('\n');
    expect(documentedEndpoints(markdown)).toEqual([
      'DELETE /v1/me/devices',
      'DELETE /v1/me/devices/:id',
      'GET /v1/admin/audit',
      'POST /v1/admin/mfa-reset-requests/:id/approve',
      'POST /v1/admin/mfa-reset-requests/:id/deny',
    ]);
  });
});
