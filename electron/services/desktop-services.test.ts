import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { IpcEvent, IpcEventPayload } from '../../common/contract/ipc';
import { desktopRig, stringsIn } from '../../test/helpers/desktop';
import { uniqueEmail } from '../../test/helpers/harness';
import { totpCode } from '../../test/helpers/mfa';
import { linkIn } from '../../test/helpers/smtp-peer';
import { activationTokenFrom } from './account/account-handlers';
import type { DesktopServices } from './desktop-services';
import { trustedDeviceService } from './trusted-device-store';

type Event = { [E in IpcEvent]: { event: E; payload: IpcEventPayload<E> } }[IpcEvent];

describe('desktop services against a real account API', () => {
  let events: Event[] = [];
  const rig = desktopRig((event, payload) => events.push({ event, payload } as Event));
  const { launch, send, value } = rig;

  beforeEach(() => {
    events = [];
  });

  async function signedUpAndActive(services: DesktopServices) {
    const email = uniqueEmail('desk');
    const password = 'violet-harbour-lantern-42';
    expect(
      await value(services, 'signup.create', {
        firstName: 'Jane',
        lastName: 'Doe',
        email,
        password,
        acceptTerms: true,
      }),
    ).toEqual({ status: 'activation_sent' });
    const [mail] = await rig.api.mailsTo(email);
    if (!mail) throw new Error('no activation mail');
    expect(await value(services, 'activation.activate', { input: linkIn(mail) })).toEqual({
      status: 'activated',
    });
    return { email, password };
  }

  async function enrolledWithTotp(services: DesktopServices) {
    const account = await signedUpAndActive(services);
    expect(await value(services, 'login.start', { ...account })).toEqual({
      state: 'mfa_enrollment_required',
    });
    const added = await value(services, 'factors.add', { type: 'totp' });
    const verified = await value(services, 'factors.verify', {
      factorId: added.factor.id,
      code: await totpCode(added.secret, rig.api),
    });
    expect(verified).toMatchObject({ factor: { status: 'active' }, enrollmentComplete: true });
    return {
      ...account,
      credentials: { email: account.email, password: account.password },
      secret: added.secret as string,
      factorId: added.factor.id as string,
    };
  }

  it('takes a new user from signup through enrollment, trust, restart and logout', async () => {
    const first = launch();
    const account = await enrolledWithTotp(first);
    expect(await value(first, 'app.status')).toMatchObject({
      version: '1.2.3',
      online: true,
      signedIn: true,
      scope: 'full',
      email: account.email,
    });
    expect(await value(first, 'me.get')).toMatchObject({ email: account.email, factors: [{ type: 'totp' }] });
    expect(await value(first, 'session.logout')).toEqual({});
    expect(await value(first, 'app.status')).toMatchObject({ signedIn: false, scope: null });

    // Password + authenticator code, trusting this computer.
    const login = await value(first, 'login.start', account.credentials);
    expect(login).toMatchObject({ state: 'mfa_required', factors: [{ id: account.factorId, type: 'totp' }] });
    expect(login).not.toHaveProperty('loginId');
    rig.api.clock.advance(30_000);
    expect(
      await value(first, 'login.verify', {
        factorId: account.factorId,
        code: await totpCode(account.secret, rig.api),
        trustDevice: true,
      }),
    ).toEqual({ state: 'authenticated', trustedComputer: true });
    const keychainKey = `${trustedDeviceService}\n${rig.proxy.url}|${account.email.toLowerCase()}`;
    expect([...rig.secrets.entries.keys()]).toEqual([keychainKey]);
    expect(await value(first, 'devices.list')).toMatchObject([{ name: 'Jane’s laptop' }]);

    // Closing the app ends the session but keeps the trust.
    first.dispose();
    const second = launch();
    expect(await value(second, 'app.status')).toMatchObject({ signedIn: false });
    expect(await value(second, 'settings.get')).toMatchObject({ lastEmail: account.email });
    expect(await value(second, 'login.start', account.credentials)).toEqual({
      state: 'authenticated',
      trustedComputer: true,
    });
    expect(await value(second, 'app.status')).toMatchObject({ signedIn: true, scope: 'full' });

    // Explicit logout forgets this computer here and on the server.
    expect(await value(second, 'session.logout')).toEqual({});
    expect(rig.secrets.entries.size).toBe(0);
    const devices = await rig.api.db.selectFrom('trusted_devices').select(['revoked_at']).execute();
    expect(devices).toHaveLength(1);
    expect(devices[0]?.revoked_at).not.toBeNull();
    expect(await value(second, 'login.start', account.credentials)).toMatchObject({ state: 'mfa_required' });

    // docs/security.md 22: no reply carried a session token, the device token, a loginId or a TOTP secret,
    // except the enrollment secret factors.add shows once for the user's authenticator app.
    expect(rig.proxy.secretsSeen.size).toBeGreaterThanOrEqual(6);
    for (const { channel, reply } of rig.replies) {
      const allowed = channel === 'factors.add' ? account.secret : undefined;
      for (const text of stringsIn(reply))
        for (const secret of rig.proxy.secretsSeen)
          if (secret !== allowed) expect(text).not.toContain(secret);
    }
    // Nor did the settings file keep any of them.
    const file = readFileSync(path.join(rig.settingsDir, 'config.json'), 'utf8');
    for (const secret of rig.proxy.secretsSeen) expect(file).not.toContain(secret);
  });

  it('refuses a malformed payload and an unknown channel before any handler runs', async () => {
    const services = launch();
    const malformed = await send(services, 'login.start', { email: 'a@example.net', password: '', extra: 1 });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const unknown = await send(services, 'session.token', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(rig.proxy.requests).toEqual([]);
    // The same payload, well formed, does reach the API.
    await send(services, 'login.start', { email: 'a@example.net', password: 'x' });
    expect(rig.proxy.requests).toEqual(['POST /v1/login']);
  });

  it('says offline when the server is stopped and tells the UI that connectivity changed', async () => {
    const services = launch();
    const account = await signedUpAndActive(services);
    await rig.proxy.close();
    await rig.api.api.app.close();
    const reply = await send(services, 'login.start', account);
    expect(reply).toMatchObject({ ok: false, error: { code: 'offline' } });
    expect(events).toContainEqual({ event: 'connectivity', payload: { online: false } });
    expect(await value(services, 'app.status')).toMatchObject({ online: false, signedIn: false });
  });

  it('keeps My details readable offline from what this session last read, and forgets it on sign-out', async () => {
    const services = launch();
    const account = await enrolledWithTotp(services);
    expect(await value(services, 'me.cached')).toBeNull();
    const me = await value(services, 'me.get');
    const devices = await value(services, 'devices.list');
    const savedAt = new Date(rig.api.clock.now()).toISOString();

    await rig.proxy.close();
    await rig.api.api.app.close();
    expect(await send(services, 'me.get')).toMatchObject({ ok: false, error: { code: 'offline' } });
    expect(await value(services, 'me.cached')).toEqual({ me, devices, savedAt });
    expect(me).toMatchObject({ email: account.email, firstName: 'Jane' });

    // Signing out (offline: locally) drops the copy with the session.
    expect(await value(services, 'session.logout')).toEqual({});
    expect(await value(services, 'me.cached')).toBeNull();
  });

  it('signs in without trust when the keychain is locked and refuses to trust the computer, writing nothing', async () => {
    const services = launch();
    const account = await enrolledWithTotp(services);
    await value(services, 'session.logout');
    rig.secrets.fail('keychain_locked');

    const login = await value(services, 'login.start', account.credentials);
    expect(login).toMatchObject({ state: 'mfa_required' });
    rig.api.clock.advance(30_000);
    const code = await totpCode(account.secret, rig.api);
    const trusted = await send(services, 'login.verify', {
      factorId: account.factorId,
      code,
      trustDevice: true,
    });
    expect(trusted).toMatchObject({
      ok: false,
      error: { code: 'keychain_locked', message: expect.stringMatching(/locked/i) },
    });
    expect(await value(services, 'app.status')).toMatchObject({ signedIn: false });
    expect(await rig.api.db.selectFrom('trusted_devices').selectAll().execute()).toHaveLength(0);
    const file = readFileSync(path.join(rig.settingsDir, 'config.json'), 'utf8');
    for (const secret of rig.proxy.secretsSeen) expect(file).not.toContain(secret);

    // The same code still signs in without trusting the computer.
    expect(
      await value(services, 'login.verify', { factorId: account.factorId, code, trustDevice: false }),
    ).toEqual({ state: 'authenticated', trustedComputer: false });
    rig.secrets.fail(undefined);
    expect(rig.secrets.entries.size).toBe(0);
  });

  it('asks to start again when a factor is verified with no sign-in in progress', async () => {
    const services = launch();
    const reply = await send(services, 'login.verify', {
      factorId: 'abc',
      code: '123456',
      trustDevice: false,
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'no_login_in_progress' } });
  });

  /** An account with an authenticator factor, signed out again: its next sign-in owes a factor. */
  async function waitingForFactor(services: DesktopServices) {
    const account = await enrolledWithTotp(services);
    await value(services, 'session.logout');
    expect(await value(services, 'login.start', account.credentials)).toMatchObject({
      state: 'mfa_required',
    });
    return account;
  }

  const challenges = () => rig.proxy.requests.filter((line) => line.endsWith('/challenge')).length;

  it('forgets a sign-in in progress when the user goes back to sign in', async () => {
    const services = launch();
    const { factorId } = await waitingForFactor(services);
    expect(await value(services, 'login.cancel')).toEqual({});
    const before = challenges();
    expect(await send(services, 'login.challenge', { factorId })).toMatchObject({
      ok: false,
      error: { code: 'no_login_in_progress' },
    });
    expect(challenges()).toBe(before);
    // Cancelling with nothing in progress is harmless.
    expect(await value(services, 'login.cancel')).toEqual({});
  });

  it('drops a sign-in in progress on its own once the login’s 15 minutes are over', async () => {
    const services = launch();
    const { factorId, secret } = await waitingForFactor(services);
    rig.api.clock.advance(15 * 60_000 - 1000);
    expect(await value(services, 'login.challenge', { factorId })).toMatchObject({ type: 'totp' });
    rig.api.clock.advance(1000);
    const before = challenges();
    expect(await send(services, 'login.challenge', { factorId })).toMatchObject({
      ok: false,
      error: { code: 'login_expired' },
    });
    expect(challenges()).toBe(before);
    const verify = { factorId, code: await totpCode(secret, rig.api), trustDevice: false };
    expect(await send(services, 'login.verify', verify)).toMatchObject({
      ok: false,
      error: { code: 'no_login_in_progress' },
    });
  });

  it('tells the screens what the server says about itself, asking it once', async () => {
    const services = launch();
    const info = { activationLinkValidSeconds: 48 * 3600, supportEmail: 'support@wem.io' };
    expect(await value(services, 'server.info')).toEqual(info);
    expect(await value(services, 'server.info')).toEqual(info);
    expect(rig.proxy.requests.filter((line) => line === 'GET /v1/info')).toHaveLength(1);
  });

  it('passes the API refusal through with its details', async () => {
    const services = launch();
    const account = await enrolledWithTotp(services);
    await value(services, 'session.logout');
    await value(services, 'login.start', account.credentials);
    const wrong = await send(services, 'login.verify', {
      factorId: account.factorId,
      code: '000000',
      trustDevice: false,
    });
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 'invalid_code', attemptsLeft: expect.any(Number) },
    });
    const bad = await send(services, 'login.start', {
      email: account.email,
      password: 'not-the-password-at-all',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
  });

  it('tells the UI when the session expired on the server', async () => {
    const services = launch();
    await enrolledWithTotp(services);
    rig.api.clock.advance(13 * 60 * 60 * 1000);
    const reply = await send(services, 'me.get');
    expect(reply).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(events).toContainEqual({ event: 'sessionEnded', payload: { reason: 'expired' } });
    expect(await value(services, 'app.status')).toMatchObject({ signedIn: false });
  });

  it('signs out when the server address changes and refuses a plain-http remote address', async () => {
    const services = launch();
    await enrolledWithTotp(services);
    const refused = await send(services, 'settings.update', { serverUrl: 'http://example.com' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'insecure_server_url' } });
    expect(await value(services, 'app.status')).toMatchObject({ signedIn: true, serverUrl: rig.proxy.url });

    expect(await value(services, 'settings.update', { serverUrl: rig.api.url, theme: 'dark' })).toMatchObject(
      {
        serverUrl: rig.api.url,
        theme: 'dark',
      },
    );
    expect(await value(services, 'app.status')).toMatchObject({ signedIn: false, serverUrl: rig.api.url });
    expect(events.filter((e) => e.event === 'sessionEnded')).toEqual([]);
  });
});

describe('activation input', () => {
  it('takes the token from a bare token, a web link or an app link', () => {
    expect(activationTokenFrom('  abc.DEF_1-2 ')).toBe('abc.DEF_1-2');
    expect(activationTokenFrom('https://accounts.example.com/activate?token=abc.DEF')).toBe('abc.DEF');
    expect(activationTokenFrom('http://127.0.0.1:4300/activate?token=abc.DEF')).toBe('abc.DEF');
    expect(activationTokenFrom('wem-account://activate?token=abc.DEF')).toBe('abc.DEF');
  });

  it('refuses a link that is not an activation link', () => {
    expect(() => activationTokenFrom('https://evil.example.com/login?token=abc')).toThrow(
      expect.objectContaining({ code: 'activation_invalid' }),
    );
    expect(() => activationTokenFrom('wem-account://activate')).toThrow(
      expect.objectContaining({ code: 'activation_invalid' }),
    );
  });
});
