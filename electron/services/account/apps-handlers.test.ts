import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IpcResult } from '../../../common/contract/ipc';
import { MemorySecretStore, recordingProxy, stringsIn } from '../../../test/helpers/desktop';
import { dialects, startTestApi, type TestApi } from '../../../test/helpers/harness';
import { accountWithTotp, totpCode } from '../../../test/helpers/mfa';
import { modeler } from '../../../test/helpers/portal-browser';
import { freePort } from '../../../test/helpers/ports';
import { createDesktopServices, type DesktopServices } from '../desktop-services';
import { MemorySettingsStore } from '../settings';
import { isHandoffUrl } from './apps-handlers';

const myWem = {
  ...modeler,
  id: 'mywem',
  name: 'MyWEM',
  redirectUris: ['https://my.example.test/callback'],
  postLogoutRedirectUris: [],
  launchUrl: 'https://my.example.test/',
};

describe('portal hand-off addresses main hands to the system browser', () => {
  it('are https, or http on this computer, to /portal/handoff with a ticket, and nothing else', () => {
    expect(isHandoffUrl('https://accounts.example.com/portal/handoff?client=m&ticket=a.b')).toBe(true);
    expect(isHandoffUrl('http://127.0.0.1:4300/portal/handoff?client=m&ticket=a.b')).toBe(true);
    expect(isHandoffUrl('http://localhost:4300/portal/handoff?client=m&ticket=a.b')).toBe(true);
    for (const url of [
      'http://accounts.example.com/portal/handoff?client=m&ticket=a.b',
      'https://user:pw@accounts.example.com/portal/handoff?client=m&ticket=a.b',
      'https://accounts.example.com/portal/elsewhere?client=m&ticket=a.b',
      'https://accounts.example.com/portal/handoff?client=m',
      'https://accounts.example.com/portal/handoff?ticket=a.b#x',
      'file:///portal/handoff?ticket=a.b',
      'javascript:alert(1)//portal/handoff?ticket=a.b',
      'not a url',
    ])
      expect(isHandoffUrl(url), url).toBe(false);
  });
});

for (const dialect of dialects) {
  describe(`Open Modeler / Open MyWEM from the desktop services [${dialect}]`, () => {
    let t: TestApi;
    let publicUrl: string;
    let proxy: Awaited<ReturnType<typeof recordingProxy>>;
    let opened: string[];
    let browserFails: boolean;
    const running: DesktopServices[] = [];

    beforeEach(async () => {
      const port = await freePort();
      publicUrl = `http://127.0.0.1:${port}`;
      t = await startTestApi(dialect, { env: { PUBLIC_URL: publicUrl } });
      await t.api.app.listen({ port, host: '127.0.0.1' });
      t.clock.set(Date.now());
      proxy = await recordingProxy(publicUrl);
      opened = [];
      browserFails = false;
      await t.api.clients.add(modeler);
      await t.api.clients.add(myWem);
      await t.api.clients.add({ ...modeler, id: 'third', name: 'Third', firstParty: false });
      await t.api.clients.add({ ...modeler, id: 'nolaunch', name: 'No launch', launchUrl: undefined });
    });

    afterEach(async () => {
      for (const services of running.splice(0)) services.dispose();
      await proxy.close();
      await t.close();
    });

    function launch(options: { withBrowser?: boolean } = {}): DesktopServices {
      const services = createDesktopServices({
        settings: new MemorySettingsStore({ serverUrl: proxy.url }),
        secrets: new MemorySecretStore(),
        version: '1.2.3',
        deviceName: 'Test computer',
        onEvent: () => undefined,
        now: () => t.clock.now(),
        ...(options.withBrowser === false
          ? {}
          : {
              openExternal: async (url: string) => {
                if (browserFails) throw new Error('no browser');
                opened.push(url);
              },
            }),
      });
      running.push(services);
      return services;
    }

    async function signedIn(services: DesktopServices) {
      const account = await accountWithTotp(t);
      const started = await services.router.dispatch('login.start', {
        email: account.email,
        password: account.password,
      });
      expect(started).toMatchObject({ ok: true, value: { state: 'mfa_required' } });
      const verified = await services.router.dispatch('login.verify', {
        factorId: account.totpFactorId,
        code: await totpCode(account.totpSecret, t),
        trustDevice: false,
      });
      expect(verified).toMatchObject({ ok: true });
      return account;
    }

    const errorCode = (reply: IpcResult<unknown>) => (reply.ok ? undefined : reply.error.code);

    it('lists the first-party apps and opens one signed in, the renderer seeing neither URL nor ticket', async () => {
      const services = launch();
      await signedIn(services);
      const apps = await services.router.dispatch('apps.list', {});
      expect(apps).toEqual({
        ok: true,
        value: [
          { clientId: 'mywem', name: 'MyWEM' },
          { clientId: 'wem-modeler', name: 'WEM Modeler' },
        ],
      });

      const reply = await services.router.dispatch('apps.open', { clientId: 'wem-modeler' });
      expect(reply).toEqual({ ok: true, value: { opened: true } });
      expect(opened).toHaveLength(1);
      const url = new URL(opened[0]!);
      expect(url.origin + url.pathname).toBe(`${publicUrl}/portal/handoff`);
      const ticket = url.searchParams.get('ticket')!;
      expect(ticket).toBeTruthy();
      for (const text of stringsIn(reply)) {
        expect(text).not.toContain(ticket);
        expect(text).not.toContain('/portal/handoff');
      }

      // The browser (no cookies yet) follows it: signed in and on to the Modeler's launch URL.
      const landed = await fetch(url, { redirect: 'manual' });
      expect(landed.status).toBe(303);
      expect(landed.headers.get('location')).toBe('https://modeler.example.test/');
      expect(landed.headers.getSetCookie().some((cookie) => cookie.startsWith('wem_portal='))).toBe(true);

      // The same URL again (a copied link, a second click on an old tab): the ordinary sign-in page.
      const again = await fetch(url, { redirect: 'manual' });
      expect(again.status).toBe(303);
      expect(new URL(again.headers.get('location') ?? '', url).href).toBe(`${publicUrl}/portal/`);
      expect(again.headers.getSetCookie().some((cookie) => cookie.startsWith('wem_portal='))).toBe(false);

      // Each click is a new ticket.
      expect(await services.router.dispatch('apps.open', { clientId: 'mywem' })).toEqual({
        ok: true,
        value: { opened: true },
      });
      expect(opened).toHaveLength(2);
      expect(new URL(opened[1]!).searchParams.get('ticket')).not.toBe(ticket);
    });

    it('refuses an enrollment session, an app that is not (or no longer) registered, and says offline', async () => {
      const enrolling = launch();
      const fresh = await t.activeAccount();
      expect(
        await enrolling.router.dispatch('login.start', { email: fresh.email, password: fresh.password }),
      ).toMatchObject({ ok: true, value: { state: 'mfa_enrollment_required' } });
      expect(errorCode(await enrolling.router.dispatch('apps.open', { clientId: 'wem-modeler' }))).toBe(
        'forbidden',
      );

      const services = launch();
      await signedIn(services);
      expect(errorCode(await services.router.dispatch('apps.open', { clientId: 'third' }))).toBe(
        'client_not_found',
      );
      expect(errorCode(await services.router.dispatch('apps.open', { clientId: 'nolaunch' }))).toBe(
        'client_not_found',
      );
      await t.api.clients.remove('wem-modeler');
      expect(errorCode(await services.router.dispatch('apps.open', { clientId: 'wem-modeler' }))).toBe(
        'client_not_found',
      );
      expect(await services.router.dispatch('apps.list', {})).toEqual({
        ok: true,
        value: [{ clientId: 'mywem', name: 'MyWEM' }],
      });

      await proxy.close();
      expect(errorCode(await services.router.dispatch('apps.open', { clientId: 'mywem' }))).toBe('offline');
      expect(opened).toEqual([]);
    });

    it('says so when no browser could be opened, or there is none to open', async () => {
      const services = launch();
      await signedIn(services);
      browserFails = true;
      expect(errorCode(await services.router.dispatch('apps.open', { clientId: 'mywem' }))).toBe(
        'browser_not_opened',
      );
      const headless = launch({ withBrowser: false });
      expect(errorCode(await headless.router.dispatch('apps.open', { clientId: 'mywem' }))).toBe(
        'capability_unavailable',
      );
      expect(opened).toEqual([]);
    });

    it('needs a session', async () => {
      const services = launch();
      expect(errorCode(await services.router.dispatch('apps.list', {}))).toBe('unauthenticated');
      expect(errorCode(await services.router.dispatch('apps.open', { clientId: 'mywem' }))).toBe(
        'unauthenticated',
      );
      expect(opened).toEqual([]);
    });
  });
}
