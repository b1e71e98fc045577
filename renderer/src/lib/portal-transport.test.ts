import { describe, expect, it } from 'vitest';
import { portalBridge, type PortalTransportDeps } from './portal-transport';

/**
 * The portal's bridge with a fake fetch: what goes out (path, method, headers, body, cookies) and
 * what the screens get back for every kind of answer, including none at all.
 */

interface Sent {
  input: string;
  init: RequestInit;
}

function fakeBrowser(answer: (sent: Sent) => Promise<Response> | Response) {
  const sent: Sent[] = [];
  let connectivity: ((online: boolean) => void) | undefined;
  let online = true;
  const deps: PortalTransportDeps = {
    fetch: async (input, init) => {
      sent.push({ input, init });
      return answer({ input, init });
    },
    online: () => online,
    watchConnectivity: (listener) => {
      connectivity = listener;
      return () => (connectivity = undefined);
    },
  };
  return {
    bridge: portalBridge(deps),
    sent,
    goOffline() {
      online = false;
      connectivity?.(false);
    },
    goOnline() {
      online = true;
      connectivity?.(true);
    },
    setOnline(value: boolean) {
      online = value;
    },
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('the portal bridge', () => {
  it('posts the channel and its payload as JSON, same-origin, with the CSRF header', async () => {
    const browser = fakeBrowser(() => json(200, { ok: true, value: { state: 'mfa_enrollment_required' } }));
    const result = await browser.bridge.invoke('login.start', { email: 'jane@example.net', password: 'pw' });
    expect(result).toEqual({ ok: true, value: { state: 'mfa_enrollment_required' } });
    const [call] = browser.sent;
    expect(call?.input).toBe('/portal/api/login.start');
    expect(call?.init.method).toBe('POST');
    expect(call?.init.credentials).toBe('same-origin');
    expect(call?.init.headers).toEqual({ 'Content-Type': 'application/json', 'X-WEM-Portal': '1' });
    expect(JSON.parse(String(call?.init.body))).toEqual({ email: 'jane@example.net', password: 'pw' });
  });

  it('sends {} for a channel without a payload', async () => {
    const browser = fakeBrowser(() => json(200, { ok: true, value: {} }));
    await browser.bridge.invoke('session.logout', {});
    expect(browser.sent[0]?.init.body).toBe('{}');
  });

  it('hands a refusal envelope to the screen as it came, whatever the HTTP status', async () => {
    const refusal = { ok: false, error: { code: 'forbidden_sender', message: 'Refused.' } };
    const browser = fakeBrowser(() => json(403, refusal));
    expect(await browser.bridge.invoke('me.get', {})).toEqual(refusal);
    const wrong = { ok: false, error: { code: 'invalid_code', message: 'No.', attemptsLeft: 2 } };
    const again = fakeBrowser(() => json(200, wrong));
    expect(
      await again.bridge.invoke('login.verify', { factorId: 'f1', code: '1', trustDevice: true }),
    ).toEqual(wrong);
  });

  it('answers offline when the request never got an answer', async () => {
    const browser = fakeBrowser(() => Promise.reject(new TypeError('Failed to fetch')));
    const result = await browser.bridge.invoke('app.status', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('offline');
  });

  it('answers server_error for a 5xx or any answer that is not an envelope', async () => {
    for (const response of [
      new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
      json(500, { message: 'boom' }),
      new Response('not json', { status: 200 }),
      json(200, { ok: false, error: { code: 42 } }),
    ]) {
      const browser = fakeBrowser(() => response);
      const result = await browser.bridge.invoke('me.get', {});
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('server_error');
    }
  });

  it('answers invalid_request for a 4xx that is not an envelope (a route that does not exist)', async () => {
    const browser = fakeBrowser(() => new Response('Not found', { status: 404 }));
    const result = await browser.bridge.invoke('me.get', {});
    expect(!result.ok && result.error.code).toBe('invalid_request');
  });

  it('tells the page the session ended when a call finds it gone, but not for the sign-out itself', async () => {
    const gone = { ok: false, error: { code: 'unauthenticated', message: 'Sign in to continue.' } };
    const browser = fakeBrowser(() => json(200, gone));
    const ended: unknown[] = [];
    browser.bridge.on('sessionEnded', (payload) => ended.push(payload));
    await browser.bridge.invoke('me.get', {});
    expect(ended).toEqual([{ reason: 'expired' }]);
    await browser.bridge.invoke('session.logout', {});
    expect(ended).toHaveLength(1);
  });

  it('follows the browser going offline and online, and stops telling a listener that left', async () => {
    const browser = fakeBrowser(() => json(200, { ok: true, value: {} }));
    const heard: unknown[] = [];
    const stop = browser.bridge.on('connectivity', (payload) => heard.push(payload));
    browser.goOffline();
    browser.goOnline();
    expect(heard).toEqual([{ online: false }, { online: true }]);
    stop();
    browser.goOffline();
    expect(heard).toHaveLength(2);
  });

  it('reports the browser offline when a call fails while navigator.onLine is false', async () => {
    const browser = fakeBrowser(() => Promise.reject(new TypeError('Failed to fetch')));
    const heard: unknown[] = [];
    browser.bridge.on('connectivity', (payload) => heard.push(payload));
    browser.setOnline(false);
    await browser.bridge.invoke('me.get', {});
    expect(heard).toEqual([{ online: false }]);
  });
});
