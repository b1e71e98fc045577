import { expect, it } from 'vitest';
import { MfaResets } from '../../server/admin/mfa-resets';
import { forEachDialect, type TestApi } from '../helpers/harness';
import { bearer, lastCodeMailedTo, totpCode } from '../helpers/mfa';
import { accountIdOf, requestReset } from '../helpers/trust';

/**
 * docs/security.md 32, the outside review's second finding: before enrollment, two password logins
 * give two enrollment sessions. Once the owner enrolls through one, the other must be dead: it must not
 * add a factor without a step-up, upgrade itself into a full session, or remove the owner's factor.
 */

async function enrollmentSession(t: TestApi, account: { email: string; password: string }): Promise<string> {
  const login = await t.request('POST', '/v1/login', account);
  expect(login.body.state).toBe('mfa_enrollment_required');
  return login.body.session.token;
}

async function enrollTotp(t: TestApi, token: string): Promise<{ id: string; secret: string }> {
  const added = await t.request('POST', '/v1/me/factors', { type: 'totp' }, bearer(token));
  expect(added.status).toBe(201);
  const verified = await t.request(
    'POST',
    `/v1/me/factors/${added.body.factor.id}/verify`,
    { code: await totpCode(added.body.secret, t) },
    bearer(token),
  );
  expect(verified.status).toBe(200);
  return { id: added.body.factor.id, secret: added.body.secret };
}

forEachDialect('32. stale enrollment sessions', (t) => {
  it("stops every other enrollment session once the owner's first factor is active", async () => {
    const account = await t().activeAccount();
    const owners = await enrollmentSession(t(), account);
    const attackers = await enrollmentSession(t(), account);
    const ownerFactor = await enrollTotp(t(), owners);

    const me = await t().request('GET', '/v1/me', undefined, bearer(attackers));
    expect(me.status).toBe(401);
    const added = await t().request(
      'POST',
      '/v1/me/factors',
      { type: 'email', email: 'mallory@evil.example' },
      bearer(attackers),
    );
    expect(added.status).toBe(401);
    expect(await t().mailsTo('mallory@evil.example')).toEqual([]);
    const removed = await t().request(
      'DELETE',
      `/v1/me/factors/${ownerFactor.id}`,
      undefined,
      bearer(attackers),
    );
    expect(removed.status).toBe(401);
    const factors = await t().db.selectFrom('mfa_factors').select(['id', 'status']).execute();
    expect(factors).toEqual([{ id: ownerFactor.id, status: 'active' }]);
  });

  it('cannot confirm a factor it started before the owner enrolled', async () => {
    const account = await t().activeAccount();
    const owners = await enrollmentSession(t(), account);
    const attackers = await enrollmentSession(t(), account);
    const pending = await t().request(
      'POST',
      '/v1/me/factors',
      { type: 'email', email: 'mallory@evil.example' },
      bearer(attackers),
    );
    expect(pending.status).toBe(201);
    await enrollTotp(t(), owners);

    const code = await lastCodeMailedTo(t(), 'mallory@evil.example');
    const verified = await t().request(
      'POST',
      `/v1/me/factors/${pending.body.factor.id}/verify`,
      { code },
      bearer(attackers),
    );
    expect(verified.status).toBe(401);
    expect(verified.body.session).toBeUndefined();
    const active = await t()
      .db.selectFrom('mfa_factors')
      .select('type')
      .where('status', '=', 'active')
      .execute();
    expect(active).toEqual([{ type: 'totp' }]);
  });

  it('lets only one of two enrollment sessions that confirm at the same moment become a full session', async () => {
    const account = await t().activeAccount();
    const first = await enrollmentSession(t(), account);
    const second = await enrollmentSession(t(), account);
    const totp = await t().request('POST', '/v1/me/factors', { type: 'totp' }, bearer(first));
    const email = await t().request(
      'POST',
      '/v1/me/factors',
      { type: 'email', email: 'inbox@x.example' },
      bearer(second),
    );
    const mailed = await lastCodeMailedTo(t(), 'inbox@x.example');
    const results = await Promise.all([
      t().request(
        'POST',
        `/v1/me/factors/${totp.body.factor.id}/verify`,
        { code: await totpCode(totp.body.secret, t()) },
        bearer(first),
      ),
      t().request('POST', `/v1/me/factors/${email.body.factor.id}/verify`, { code: mailed }, bearer(second)),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const active = await t()
      .db.selectFrom('mfa_factors')
      .select('id')
      .where('status', '=', 'active')
      .execute();
    expect(active).toHaveLength(1);
  });

  it('applies the same after an approved MFA reset', async () => {
    const account = await t().activeAccount();
    await enrollTotp(t(), await enrollmentSession(t(), account));
    const requestId = await requestReset(t(), account);
    await new MfaResets(t().api.context).decide(requestId, 'approve', 'checked by phone', {
      kind: 'operator',
      name: 'test',
    });
    expect(await accountIdOf(t(), account.email)).toBeTruthy();

    const owners = await enrollmentSession(t(), account);
    const attackers = await enrollmentSession(t(), account);
    await enrollTotp(t(), owners);
    expect((await t().request('GET', '/v1/me', undefined, bearer(attackers))).status).toBe(401);
    const added = await t().request('POST', '/v1/me/factors', { type: 'totp' }, bearer(attackers));
    expect(added.status).toBe(401);
  });
});
