import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decideConsent, interactionDetails } from './portal-interaction';

/**
 * The consent screen's two calls with a fake fetch: what goes out, and that the page follows only an
 * http(s) address the server names and shows only a well-formed request.
 */

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

let answer: () => Response | Promise<Response>;
const sent: { input: string; init: RequestInit | undefined }[] = [];

beforeEach(() => {
  sent.length = 0;
  vi.stubGlobal('window', { location: { href: 'https://id.wem.example/portal/?interaction=u1&consent=1' } });
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    sent.push({ input, init });
    return answer();
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the consent calls', () => {
  it('reads the request of a known interaction', async () => {
    answer = () => json(200, { clientName: 'Acme', scopes: ['openid', 'email'], claims: ['sub'] });
    expect(await interactionDetails('u1')).toEqual({
      ok: true,
      value: { clientName: 'Acme', scopes: ['openid', 'email'], claims: ['sub'] },
    });
    expect(sent[0]?.input).toBe('/portal/interaction/u1/details');
    expect(sent[0]?.init?.credentials).toBe('same-origin');
  });

  it('says the request is gone for a 404 or a malformed answer, and server_error for a 5xx', async () => {
    answer = () => json(404, { error: 'not_found' });
    expect(await interactionDetails('u1')).toEqual({ ok: false, code: 'not_found' });
    answer = () => json(200, { clientName: 42, scopes: 'openid' });
    expect(await interactionDetails('u1')).toEqual({ ok: false, code: 'not_found' });
    answer = () => new Response('oops', { status: 502 });
    expect(await interactionDetails('u1')).toEqual({ ok: false, code: 'server_error' });
    answer = () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await interactionDetails('u1')).toEqual({ ok: false, code: 'offline' });
  });

  it('posts the answer with the CSRF header and follows the redirect the server names', async () => {
    answer = () => json(200, { redirectTo: 'https://reports.acme.example/cb?code=abc&state=xyz' });
    expect(await decideConsent('u1', true)).toEqual({
      ok: true,
      value: 'https://reports.acme.example/cb?code=abc&state=xyz',
    });
    expect(sent[0]?.input).toBe('/portal/interaction/u1/consent');
    expect(sent[0]?.init?.method).toBe('POST');
    expect(sent[0]?.init?.headers).toEqual({ 'Content-Type': 'application/json', 'X-WEM-Portal': '1' });
    expect(JSON.parse(String(sent[0]?.init?.body))).toEqual({ approve: true });
    answer = () => json(200, { redirectTo: '/portal/interaction/u1/continue' });
    expect(await decideConsent('u1', false)).toEqual({
      ok: true,
      value: 'https://id.wem.example/portal/interaction/u1/continue',
    });
  });

  it('follows no script, data or other non-web address, whatever the answer says (docs/security.md 57)', async () => {
    for (const redirectTo of [
      'javascript:alert(document.cookie)',
      'data:text/html,<script>1</script>',
      'wem-account://x',
    ]) {
      answer = () => json(200, { redirectTo });
      expect(await decideConsent('u1', true), redirectTo).toEqual({ ok: false, code: 'not_found' });
    }
  });

  it('puts the interaction id into the path encoded', async () => {
    answer = () => json(404, {});
    await interactionDetails('a/../b');
    expect(sent[0]?.input).toBe('/portal/interaction/a%2F..%2Fb/details');
  });
});
