import { afterEach, describe, expect, it } from 'vitest';
import type { IpcChannel, IpcResponse, IpcResult } from '../../common/contract/ipc';
import { createDesktopServices, type DesktopServices } from '../../electron/services/desktop-services';
import { MemorySettingsStore } from '../../electron/services/settings';
import { expectNoSecret, otplibCode, secretSpellings } from '../helpers/authenticator';
import { listeningApi, MemorySecretStore } from '../helpers/desktop';
import { uniqueEmail, type TestApi } from '../helpers/harness';
import { totpCode } from '../helpers/mfa';
import { linkIn } from '../helpers/smtp-peer';
import { tempDirs } from '../helpers/temp-dirs';
import { freePort } from '../../scripts/free-port';

/**
 * The local authenticator inside the real desktop services: "Use this computer as the authenticator"
 * against a real account API, and codes with no API at all.
 */

const newDataDir = tempDirs('wem-auth-desktop-');
const running: { services: DesktopServices; api?: TestApi }[] = [];

afterEach(async () => {
  for (const { services, api } of running.splice(0)) {
    services.dispose();
    await api?.close();
  }
});

/** A loopback port nothing listens on: the API is not even started. */
async function deadServerUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

async function launch(serverUrl: string, options: { now?: () => number; api?: TestApi } = {}) {
  const replies: { channel: IpcChannel; reply: IpcResult<unknown> }[] = [];
  const events: unknown[] = [];
  const services = createDesktopServices({
    settings: new MemorySettingsStore({ serverUrl }),
    secrets: new MemorySecretStore(),
    version: '1.0.0',
    deviceName: 'Test computer',
    dataDir: await newDataDir(),
    onEvent: (event, payload) => events.push({ event, payload }),
    timeoutMs: 2_000,
    ...(options.now ? { now: options.now } : {}),
  });
  running.push({ services, ...(options.api ? { api: options.api } : {}) });
  async function send(channel: IpcChannel, payload: unknown = {}) {
    const reply = await services.router.dispatch(channel, payload);
    replies.push({ channel, reply });
    return reply;
  }
  async function value<C extends IpcChannel>(channel: C, payload: unknown = {}): Promise<IpcResponse<C>> {
    const reply = await send(channel, payload);
    if (!reply.ok) throw new Error(`${channel} failed: ${JSON.stringify(reply.error)}`);
    return reply.value as IpcResponse<C>;
  }
  return { services, replies, events, send, value };
}

describe('the local authenticator in the desktop app', () => {
  it('uses this computer as the WEM account’s authenticator in one step', async () => {
    const api = await listeningApi();
    const app = await launch(api.url, { now: () => api.clock.now(), api });
    const email = uniqueEmail('this-computer');
    const password = 'violet-harbour-lantern-42';
    await app.value('signup.create', {
      firstName: 'Jane',
      lastName: 'Doe',
      email,
      password,
      acceptTerms: true,
    });
    const [mail] = await api.mailsTo(email);
    await app.value('activation.activate', { input: linkIn(mail!) });
    expect(await app.value('login.start', { email, password })).toEqual({ state: 'mfa_enrollment_required' });

    expect(await app.send('factors.useThisComputer', { factorId: 'unknown' })).toMatchObject({
      ok: false,
      error: { code: 'enrollment_not_pending' },
    });
    const added = await app.value('factors.add', { type: 'totp' });
    const secret = 'secret' in added ? added.secret : '';
    const verified = await app.value('factors.useThisComputer', { factorId: added.factor.id });
    expect(verified).toMatchObject({
      factor: { id: added.factor.id, status: 'active' },
      enrollmentComplete: true,
    });
    expect(await app.value('app.status')).toMatchObject({ scope: 'full', email });

    const state = await app.value('authenticator.list');
    expect(state.locked ? [] : state.entries).toEqual([
      expect.objectContaining({ issuer: 'WEM', label: email, code: await totpCode(secret, api) }),
    ]);
    // Once verified, main forgets the pending secret: a second click cannot add it again.
    expect(await app.send('factors.useThisComputer', { factorId: added.factor.id })).toMatchObject({
      ok: false,
      error: { code: 'enrollment_not_pending' },
    });

    // The code in the vault is the one the server wants: the next sign-in passes with it.
    await app.value('session.logout');
    api.clock.advance(30_000);
    const login = await app.value('login.start', { email, password });
    if (login.state !== 'mfa_required') throw new Error(`expected mfa_required, got ${login.state}`);
    const listed = await app.value('authenticator.list');
    const code = listed.locked ? '' : (listed.entries[0]?.code ?? '');
    expect(await app.value('login.verify', { factorId: added.factor.id, code, trustDevice: false })).toEqual({
      state: 'authenticated',
      trustedComputer: false,
    });

    // Every reply of the authenticator's channels, and every event, is free of the secret; the
    // factors.add reply shows it by design (the QR code of the setup screen) and is left out.
    const spellings = secretSpellings([secret]);
    for (const { channel, reply } of app.replies)
      if (channel !== 'factors.add') expectNoSecret(reply, spellings, `reply to ${channel}`);
    expectNoSecret(app.events, spellings, 'events');
  });

  it('takes a refused verification’s entry out again and keeps nothing of a signed-out setup', async () => {
    const api = await listeningApi();
    const app = await launch(api.url, { now: () => api.clock.now(), api });
    const account = await api.activeAccount();
    await app.value('login.start', { email: account.email, password: account.password });
    const first = await app.value('factors.add', { type: 'totp' });
    // A new setup replaces the first on the server: verifying the first is refused there.
    await app.value('factors.add', { type: 'totp' });
    const refused = await app.send('factors.useThisComputer', { factorId: first.factor.id });
    expect(refused.ok).toBe(false);
    expect(await app.value('authenticator.list')).toMatchObject({ locked: false, entries: [] });

    const pending = await app.value('factors.add', { type: 'totp' });
    await app.value('session.logout');
    expect(await app.send('factors.useThisComputer', { factorId: pending.factor.id })).toMatchObject({
      ok: false,
      error: { code: 'enrollment_not_pending' },
    });
  });

  it('gives codes with the account API down and the network off', async () => {
    const app = await launch(await deadServerUrl());
    expect(await app.send('app.status')).toMatchObject({ ok: true });
    await app.value('authenticator.addManual', {
      issuer: 'Offline',
      label: 'me',
      secret: 'JBSWY3DPEHPK3PXP',
    });
    const before = Date.now();
    const state = await app.value('authenticator.list');
    const entry = state.locked ? undefined : state.entries[0];
    expect([
      await otplibCode('JBSWY3DPEHPK3PXP', before),
      await otplibCode('JBSWY3DPEHPK3PXP', Date.now()),
    ]).toContain(entry?.code);
    expect(
      await app.send('login.start', { email: 'jane@example.com', password: 'whatever it is' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'offline' },
    });
  });
});
