import { expect, it } from 'vitest';
import { forEachDialect, type JsonResponse, type TestApi } from '../helpers/harness';
import { accountWithTotp, bearer } from '../helpers/mfa';
import { loginWithDevice, loginWithTotp, stepUpWithTotp } from '../helpers/trust';

// docs/security.md 16 and docs/api.md rules 4-5: "Trust this computer (skip MFA for a week)".

const day = 86_400_000;
const week = 7 * day;

function expectAuthenticated(response: { status: number; body: JsonResponse }) {
  expect(response.status).toBe(200);
  expect(response.body.state).toBe('authenticated');
  expect(response.body.session.scope).toBe('full');
}

function expectSecondFactorAsked(response: { status: number; body: JsonResponse }) {
  expect(response.status).toBe(200);
  expect(response.body.state).toBe('mfa_required');
  expect(response.body).not.toHaveProperty('session');
}

async function sessionCount(api: TestApi): Promise<number> {
  return (await api.db.selectFrom('sessions').select('id').execute()).length;
}

forEachDialect('trusted computers', (t) => {
  it('skips the second factor only together with the right password of the same account', async () => {
    const api = t();
    const owner = await accountWithTotp(api);
    const other = await accountWithTotp(api);
    const { device } = await loginWithTotp(api, owner, { deviceName: 'Work laptop' });
    const token = device!.token;

    expectAuthenticated(await loginWithDevice(api, owner, token));

    const sessionsBefore = await sessionCount(api);
    const wrongPassword = await loginWithDevice(
      api,
      { ...owner, password: 'not-the-password-at-all' },
      token,
    );
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.body.error.code).toBe('invalid_credentials');

    // Someone who knows another account's password gains nothing from this computer's trust.
    const foreign = await loginWithDevice(api, other, token);
    expectSecondFactorAsked(foreign);
    expect(foreign.body.factors.map((f: { id: string }) => f.id)).toEqual([other.totpFactorId]);
    expect(await sessionCount(api)).toBe(sessionsBefore);

    // Neither attempt spent the trust of the owner's computer.
    expectAuthenticated(await loginWithDevice(api, owner, token));
  });

  it('trusts the computer until exactly seven days after it was trusted, however often it is used', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const { device } = await loginWithTotp(api, account, { deviceName: 'Work laptop' });
    const trustedAt = api.clock.now();
    expect(device!.expiresAt).toBe(new Date(trustedAt + week).toISOString());

    // Used every day: the week still counts from the moment it was trusted, not from the last use.
    for (let days = 1; days <= 6; days += 1) {
      api.clock.set(trustedAt + days * day);
      expectAuthenticated(await loginWithDevice(api, account, device!.token));
    }
    api.clock.set(trustedAt + week - 1000);
    const lastDay = await loginWithDevice(api, account, device!.token);
    expectAuthenticated(lastDay);
    const listed = await api.request('GET', '/v1/me/devices', undefined, bearer(lastDay.body.session.token));
    expect(listed.body).toEqual([
      expect.objectContaining({
        id: device!.id,
        expiresAt: new Date(trustedAt + week).toISOString(),
        lastUsedAt: new Date(trustedAt + week - 1000).toISOString(),
      }),
    ]);

    api.clock.set(trustedAt + week);
    expectSecondFactorAsked(await loginWithDevice(api, account, device!.token));
    api.clock.set(trustedAt + week + 1000);
    expectSecondFactorAsked(await loginWithDevice(api, account, device!.token));
  });

  it('forgets the computer everywhere after an explicit logout with its token', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const first = await loginWithTotp(api, account, { deviceName: 'Work laptop' });
    const token = first.device!.token;
    const trusted = await loginWithDevice(api, account, token);
    expectAuthenticated(trusted);
    const session = trusted.body.session.token;

    const logout = await api.request('POST', '/v1/logout', { deviceToken: token }, bearer(session));
    expect(logout.status).toBe(204);

    expect((await api.request('GET', '/v1/me', undefined, bearer(session))).status).toBe(401);
    expectSecondFactorAsked(await loginWithDevice(api, account, token));
    // The session that trusted the computer ran on it too, and ended with it.
    expect((await api.request('GET', '/v1/me', undefined, bearer(first.token))).status).toBe(401);
    // Also gone from the list another session of the account sees.
    const elsewhere = await loginWithTotp(api, account);
    const listed = await api.request('GET', '/v1/me/devices', undefined, bearer(elsewhere.token));
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([]);
    // A day later it is no more alive than it was.
    api.clock.advance(day);
    expectSecondFactorAsked(await loginWithDevice(api, account, token));
  });

  it('keeps trusting the computer after a logout without its token and after the app was closed', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const { device } = await loginWithTotp(api, account, { deviceName: 'Work laptop' });

    const trusted = await loginWithDevice(api, account, device!.token);
    const logout = await api.request('POST', '/v1/logout', undefined, bearer(trusted.body.session.token));
    expect(logout.status).toBe(204);
    expect((await api.request('GET', '/v1/me', undefined, bearer(trusted.body.session.token))).status).toBe(
      401,
    );
    const again = await loginWithDevice(api, account, device!.token);
    expectAuthenticated(again);

    // Closing the app sends nothing: the session dies of idleness, the trust lives on.
    api.clock.advance(2 * 3_600_000);
    expect((await api.request('GET', '/v1/me', undefined, bearer(again.body.session.token))).status).toBe(
      401,
    );
    expectAuthenticated(await loginWithDevice(api, account, device!.token));
  });

  it("does not let another account's logout or revoke touch a computer it does not own", async () => {
    const api = t();
    const owner = await accountWithTotp(api);
    const intruder = await accountWithTotp(api);
    const { device } = await loginWithTotp(api, owner, { deviceName: 'Work laptop' });

    const logout = await api.request(
      'POST',
      '/v1/logout',
      { deviceToken: device!.token },
      bearer(intruder.token),
    );
    expect(logout.status).toBe(204);
    const signedIn = await loginWithTotp(api, intruder);
    const revoke = await api.request(
      'DELETE',
      `/v1/me/devices/${device!.id}`,
      undefined,
      bearer(signedIn.token),
    );
    expect(revoke.status).toBe(404);
    expect(revoke.body.error.code).toBe('not_found');

    expectAuthenticated(await loginWithDevice(api, owner, device!.token));
  });

  it('ignores a forged, truncated or unknown device token and asks for the second factor', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const { device } = await loginWithTotp(api, account, { deviceName: 'Work laptop' });
    const real = device!.token;
    const [id = '', secret = ''] = real.split('.');
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const forged = [
      `${id}.${flipped}`,
      `${id}.${'A'.repeat(secret.length)}`,
      real.slice(0, -1),
      id,
      secret,
      `${secret}.${id}`,
      `${'x'.repeat(id.length)}.${secret}`,
      'a',
    ];
    const sessionsBefore = await sessionCount(api);
    for (const deviceToken of forged) {
      const response = await loginWithDevice(api, account, deviceToken);
      expect(response.status, deviceToken).toBe(200);
      expect(response.body.state, deviceToken).toBe('mfa_required');
    }
    // What cannot be one of our tokens at all is refused as input, never a server error or a session.
    for (const deviceToken of [`${real} `, `${id}.${secret}.${secret}`, `${real}!`, 'x'.repeat(500), '']) {
      const response = await loginWithDevice(api, account, deviceToken);
      expect(response.status, deviceToken).toBe(400);
      expect(response.body.error.code, deviceToken).toBe('validation_failed');
    }
    expect(await sessionCount(api)).toBe(sessionsBefore);
    expectAuthenticated(await loginWithDevice(api, account, real));
  });

  it('gives a trusted-computer login a session that must step up before changing factors', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const { device } = await loginWithTotp(api, account, { deviceName: 'Work laptop' });
    const trusted = await loginWithDevice(api, account, device!.token);
    const token: string = trusted.body.session.token;

    const me = await api.request('GET', '/v1/me', undefined, bearer(token));
    expect(me.body.session.privilegedUntil).toBeNull();
    const add = await api.request('POST', '/v1/me/factors', { type: 'recovery_codes' }, bearer(token));
    expect(add.status).toBe(403);
    expect(add.body.error.code).toBe('step_up_required');
    const remove = await api.request(
      'DELETE',
      `/v1/me/factors/${account.totpFactorId}`,
      undefined,
      bearer(token),
    );
    expect(remove.status).toBe(403);
    expect(remove.body.error.code).toBe('step_up_required');
    const factors = await api.db.selectFrom('mfa_factors').select('type').execute();
    expect(factors.map((f) => f.type)).toEqual(['totp']);

    await stepUpWithTotp(api, account, token);
    const afterStepUp = await api.request(
      'POST',
      '/v1/me/factors',
      { type: 'recovery_codes' },
      bearer(token),
    );
    expect(afterStepUp.status).toBe(201);
  });

  it('lists the trusted computers and marks the one this session came from', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const work = await loginWithTotp(api, account, { deviceName: 'Work laptop' });
    const workTrustedAt = api.clock.now();
    const home = await loginWithTotp(api, account, { deviceName: 'Home desktop' });

    const fromWork = await loginWithDevice(api, account, work.device!.token);
    const listed = await api.request('GET', '/v1/me/devices', undefined, bearer(fromWork.body.session.token));
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(2);
    const byId = new Map(listed.body.map((d: { id: string }) => [d.id, d]));
    expect(byId.get(work.device!.id)).toEqual({
      id: work.device!.id,
      name: 'Work laptop',
      createdAt: new Date(workTrustedAt).toISOString(),
      lastUsedAt: new Date(api.clock.now()).toISOString(),
      expiresAt: work.device!.expiresAt,
      current: true,
    });
    expect(byId.get(home.device!.id)).toMatchObject({
      name: 'Home desktop',
      lastUsedAt: null,
      current: false,
    });

    // The sign-in that trusted a computer runs on it: listed as current right away.
    const trusting = await api.request('GET', '/v1/me/devices', undefined, bearer(home.token));
    expect(
      trusting.body.filter((d: { current: boolean }) => d.current).map((d: { id: string }) => d.id),
    ).toEqual([home.device!.id]);
    // A session that came from a factor without trusting is on no trusted computer.
    const fromFactor = await loginWithTotp(api, account);
    const untrusted = await api.request('GET', '/v1/me/devices', undefined, bearer(fromFactor.token));
    expect(untrusted.body.map((d: { current: boolean }) => d.current)).toEqual([false, false]);
    // The list never shows the token.
    expect(JSON.stringify(listed.body)).not.toContain(work.device!.token.split('.')[1]);
  });

  it('stops trusting one computer, or all of them, on request', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const devices = [];
    for (const deviceName of ['Work laptop', 'Home desktop', 'Old netbook']) {
      devices.push((await loginWithTotp(api, account, { deviceName })).device!);
    }
    const [work, home, old] = devices;
    const session = (await loginWithDevice(api, account, home!.token)).body.session.token;

    const one = await api.request('DELETE', `/v1/me/devices/${work!.id}`, undefined, bearer(session));
    expect(one.status).toBe(204);
    expectSecondFactorAsked(await loginWithDevice(api, account, work!.token));
    expectAuthenticated(await loginWithDevice(api, account, old!.token));
    const twice = await api.request('DELETE', `/v1/me/devices/${work!.id}`, undefined, bearer(session));
    expect(twice.status).toBe(404);
    const listed = await api.request('GET', '/v1/me/devices', undefined, bearer(session));
    expect(listed.body.map((d: { id: string }) => d.id).sort()).toEqual([home!.id, old!.id].sort());

    const all = await api.request('DELETE', '/v1/me/devices', undefined, bearer(session));
    expect(all.status).toBe(204);
    for (const device of devices) expectSecondFactorAsked(await loginWithDevice(api, account, device.token));
    const fresh = await loginWithTotp(api, account);
    expect((await api.request('GET', '/v1/me/devices', undefined, bearer(fresh.token))).body).toEqual([]);
  });
});
