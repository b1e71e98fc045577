import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApi, type TestApi } from '../helpers/harness';
import {
  expectContractError,
  jsonHeaders,
  registeredRoutes,
  sendRaw,
  snapshotTables,
  type TableSnapshot,
} from '../helpers/http-robustness';
import { sessionTokenFor } from '../helpers/login';
import { accountWithTotp, type EnrolledAccount } from '../helpers/mfa';
import { addEmailFactor } from '../helpers/mfa-factors';
import { accountIdOf, loginWithTotp, requestReset, supportAgent } from '../helpers/trust';

// docs/security.md 30 with a valid session: on every route behind a session (/v1/me…, factors, step-up,
// devices, logout, and the support API with the support role), arbitrary path parameters, query
// strings and bodies give a success or a 4xx with a contract code, never a 5xx, and no row of another
// account changes. Path parameters are often the other account's real factor and device ids, so a
// missing ownership check would show. Seeded, so a failure names a case that reproduces.

const runsPerRoute = 40;
const seed = 8_2026;

type Caller = 'full' | 'enrollment' | 'support';

/** Everything a fuzzed request may throw at a field: junk, and values that mean something here. */
const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

function requestArbitrary(ids: string[]) {
  const param = fc.oneof(fc.constantFrom(...ids), fc.string({ minLength: 1, maxLength: 40 }));
  const body = fc.record(
    {
      type: fc.oneof(fc.constantFrom('totp', 'email', 'sms', 'recovery_codes'), junk),
      email: fc.oneof(fc.constantFrom('fuzz.target@example.net', 'not-an-address'), junk),
      phone: fc.oneof(fc.constantFrom('+31612345678', '0612345678', '12'), junk),
      country: fc.oneof(fc.constantFrom('NL', 'US', 'nl'), junk),
      label: junk,
      code: fc.oneof(fc.constantFrom('123456', '000000', 'abcd-efgh-jkmn'), junk),
      factorId: fc.oneof(fc.constantFrom(...ids), junk),
      note: fc.oneof(fc.constantFrom('Checked the caller by phone.'), junk),
      deviceToken: junk,
      reason: junk,
    },
    { requiredKeys: [] },
  );
  return fc.record({
    caller: fc.constantFrom<Caller>('full', 'enrollment', 'support'),
    params: fc.array(param, { minLength: 3, maxLength: 3 }),
    query: fc.dictionary(
      fc.oneof(fc.constantFrom('status', 'accountId', 'limit'), fc.string({ maxLength: 8 })),
      fc.oneof(fc.constantFrom('pending', 'approved', '5', ...ids), fc.string({ maxLength: 30 })),
      { maxKeys: 3 },
    ),
    body: fc.option(fc.oneof(body, fc.jsonValue({ maxDepth: 3 })), { nil: undefined }),
  });
}

/** The rows that mention any of `ids` (the other account's own ids), table by table. */
function rowsOf(snapshot: TableSnapshot, ids: string[]): TableSnapshot {
  return Object.fromEntries(
    Object.entries(snapshot).map(([table, rows]) => [
      table,
      rows.filter((row) => ids.some((id) => row.includes(id))),
    ]),
  );
}

/** The ids of an account and of everything it owns: its factors, sessions, trusted devices, flows. */
async function idsOwnedBy(t: TestApi, accountId: string): Promise<string[]> {
  const owned = await Promise.all(
    (['mfa_factors', 'sessions', 'trusted_devices', 'mfa_flows'] as const).map((table) =>
      t.db.selectFrom(table).select('id').where('account_id', '=', accountId).execute(),
    ),
  );
  return [accountId, ...owned.flat().map((row) => row.id)];
}

for (const dialect of dialects) {
  describe(`fuzzing the routes behind a session [${dialect}]`, () => {
    let t: TestApi;
    let fuzzer: EnrolledAccount;
    let agent: EnrolledAccount;
    let newcomer: { email: string; password: string };
    let otherIds: string[];
    let pool: string[];
    const tokens = new Map<Caller, string>();

    /** A live session of each kind; one that a fuzzed request ended (logout, revoke) is made again. */
    async function tokenFor(caller: Caller): Promise<string> {
      const current = tokens.get(caller);
      if (current) return current;
      const fresh =
        caller === 'full'
          ? (await loginWithTotp(t, fuzzer)).token
          : caller === 'support'
            ? (await loginWithTotp(t, agent)).token
            : await sessionTokenFor(t, newcomer);
      tokens.set(caller, fresh);
      return fresh;
    }

    beforeAll(async () => {
      t = await startTestApi(dialect);
      fuzzer = await accountWithTotp(t);
      tokens.set('full', fuzzer.token);
      const agentAccount = await supportAgent(t);
      agent = agentAccount;
      tokens.set('support', agentAccount.token);
      newcomer = await t.activeAccount();

      // The other account: two factors, a trusted computer and an open session, all of which the
      // fuzzed requests may name but never touch.
      const other = await accountWithTotp(t);
      await addEmailFactor(t, other.token, `codes.${other.email}`);
      await loginWithTotp(t, other, { deviceName: 'Office PC' });
      otherIds = await idsOwnedBy(t, await accountIdOf(t, other.email));

      // A third account asks support for a reset, so the support routes have a real request to decide.
      const resetter = await accountWithTotp(t);
      const requestId = await requestReset(t, resetter);
      pool = [...otherIds, requestId, fuzzer.totpFactorId];
    });

    afterAll(async () => {
      await t?.close();
    });

    it('answers every session route with a success or a contract 4xx, and changes no row of another account', async () => {
      const routes = registeredRoutes(t).filter((route) =>
        /^(GET|POST|DELETE|PUT|PATCH) \/v1\/(me|logout|admin)/.test(route),
      );
      expect(routes).toContain('DELETE /v1/me/factors/:id');
      expect(routes).toContain('POST /v1/admin/mfa-reset-requests/:id/approve');
      const others = rowsOf(await snapshotTables(t.db, t.dialect), otherIds);
      expect(Object.values(others).flat().length).toBeGreaterThan(5);
      const statuses = new Map<number, number>();

      for (const route of routes) {
        const [method = 'GET', template = '/'] = route.split(' ');
        await fc.assert(
          fc.asyncProperty(requestArbitrary(pool), async ({ caller, params, query, body }) => {
            let index = 0;
            const path = template.replace(/:[A-Za-z0-9_]+/g, () =>
              encodeURIComponent(params[index++] || 'x'),
            );
            const search = new URLSearchParams(query).toString();
            const url = search ? `${path}?${search}` : path;
            const token = await tokenFor(caller);
            const response = await sendRaw(t, {
              method,
              url,
              headers: {
                authorization: `Bearer ${token}`,
                ...(body === undefined ? {} : jsonHeaders),
              },
              payload: body === undefined ? undefined : JSON.stringify(body),
            });
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            const what = `${caller}: ${method} ${url} ${JSON.stringify(body)}`;
            expect(response.status, `${what} -> ${response.text.slice(0, 300)}`).toBeLessThan(500);
            if (response.status >= 400) expectContractError(response, what);
            // A session the request itself ended (logout, a factor removed) is replaced for the next run.
            if (
              response.json?.error?.code === 'unauthenticated' ||
              (route.startsWith('POST /v1/logout') && response.status === 204)
            )
              tokens.delete(caller);
          }),
          // Every logout that succeeds costs a new sign-in (an argon2id hash): fewer runs there.
          { numRuns: route === 'POST /v1/logout' ? 10 : runsPerRoute, seed, endOnFailure: true },
        );
        expect(rowsOf(await snapshotTables(t.db, t.dialect), otherIds), `after ${route}`).toEqual(others);
      }
      process.stdout.write(
        `[${dialect}] answers by status: ${JSON.stringify(Object.fromEntries(statuses))}\n`,
      );
      // The runs went past validation: some succeeded, some were refused by the rules behind it.
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
      expect([...statuses.keys()].filter((s) => s >= 401 && s < 500).length).toBeGreaterThan(2);
    }, 90_000);
  });
}
