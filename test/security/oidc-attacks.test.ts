import * as oidc from 'openid-client';
import { expect, it } from 'vitest';
import { forEachDialect, type TestApi } from '../helpers/harness';
import { accountWithTotp, bearer } from '../helpers/mfa';
import {
  authorizationRequest,
  interactionOf,
  modeler,
  PortalBrowser,
  relyingParty,
} from '../helpers/portal-browser';
import { authorizeThroughPortal, exchange, signInOnPage } from '../helpers/portal-sign-in';

/** A test API on real time (oidc-provider keeps its own clock) with the Modeler registered. */
async function portal(t: TestApi) {
  t.clock.set(Date.now());
  await t.api.clients.add(modeler);
  const config = await relyingParty(t, { id: modeler.id });
  return { config, browser: new PortalBrowser(t.api, t.config.publicUrl) };
}

forEachDialect('OIDC attacks on the login portal', (t) => {
  it('never redirects to an unregistered redirect_uri, nor to a registered one with an extra path', async () => {
    const { config, browser } = await portal(t());
    for (const redirectUri of [
      'https://attacker.example.test/callback',
      'https://modeler.example.test/callback/../../steal',
      'https://modeler.example.test/callback/extra',
    ]) {
      const request = await authorizationRequest(config, {}, redirectUri);
      const answer = await browser.send('GET', request.url.href);
      expect(answer.status, redirectUri).toBe(400);
      expect(answer.location, redirectUri).toBeUndefined();
    }
  });

  it('refuses a public client without PKCE, and a code exchanged with the wrong verifier', async () => {
    const { config, browser } = await portal(t());
    const account = await accountWithTotp(t());
    const noPkce = await authorizationRequest(config);
    noPkce.url.searchParams.delete('code_challenge');
    noPkce.url.searchParams.delete('code_challenge_method');
    const refused = await browser.visit(noPkce.url.href);
    expect(refused.url).toMatch(/^https:\/\/modeler\.example\.test\/callback\?error=invalid_request/);

    const request = await authorizationRequest(config);
    const callback = await authorizeThroughPortal(t(), browser, request, account);
    await expect(
      exchange(config, callback, { ...request, verifier: oidc.randomPKCECodeVerifier() }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('revokes the tokens of a code that is used twice', async () => {
    const { config, browser } = await portal(t());
    const account = await accountWithTotp(t());
    const request = await authorizationRequest(config);
    const callback = await authorizeThroughPortal(t(), browser, request, account);
    const tokens = await exchange(config, callback, request);
    await expect(exchange(config, callback, request)).rejects.toMatchObject({ error: 'invalid_grant' });
    const sub = tokens.claims()!.sub;
    await expect(oidc.fetchUserInfo(config, tokens.access_token, sub)).rejects.toThrow();
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('lets the relying party catch a mismatched state or nonce', async () => {
    const { config, browser } = await portal(t());
    const account = await accountWithTotp(t());
    const request = await authorizationRequest(config);
    const callback = await authorizeThroughPortal(t(), browser, request, account);
    await expect(exchange(config, callback, { ...request, state: oidc.randomState() })).rejects.toMatchObject(
      {
        cause: { message: expect.stringContaining('"state"') },
      },
    );
    const second = await authorizationRequest(config);
    const callback2 = await authorizeThroughPortal(t(), browser, second);
    await expect(exchange(config, callback2, { ...second, nonce: oidc.randomNonce() })).rejects.toMatchObject(
      {
        cause: { message: expect.stringContaining('"nonce"') },
      },
    );
  });

  it('refuses portal calls from another origin or without the portal header', async () => {
    const { browser } = await portal(t());
    const account = await accountWithTotp(t());
    const credentials = { email: account.email, password: account.password };
    const foreign = await browser.call('login.start', credentials, {
      'x-wem-portal': '1',
      origin: 'https://attacker.example.test',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.error.code).toBe('forbidden_sender');
    const noHeader = await browser.call('login.start', credentials, { origin: browser.origin });
    expect(noHeader.status).toBe(403);
    expect(noHeader.error.code).toBe('forbidden_sender');
    // Neither reached the password check.
    const failures = await t().db.selectFrom('password_guards').selectAll().execute();
    expect(failures.every((row) => row.attempts === 0)).toBe(true);
  });

  it('forbids framing of the provider and the interaction pages', async () => {
    const { config, browser } = await portal(t());
    const request = await authorizationRequest(config, {}, 'https://attacker.example.test/callback');
    const errorPage = await browser.send('GET', request.url.href);
    const expired = await browser.send('GET', '/portal/interaction/unknown-uid');
    for (const answer of [errorPage, expired]) {
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(String(answer.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      expect(String(answer.headers['content-security-policy'])).not.toContain('script-src');
    }
  });

  it('renews the session id at sign-in and kills the old cookie at logout', async () => {
    const { browser } = await portal(t());
    const account = await accountWithTotp(t());
    await signInOnPage(t(), browser, account, true);
    const first = browser.cookie('wem_portal');
    const trusted = browser.cookie('wem_trusted');
    await signInOnPage(t(), browser, account);
    const second = browser.cookie('wem_portal');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect((await t().request('GET', '/v1/me', undefined, bearer(first!))).status).toBe(401);

    expect((await browser.call('session.logout')).ok).toBe(true);
    expect(browser.cookie('wem_portal')).toBeUndefined();
    expect(browser.cookie('wem_trusted')).toBeUndefined();
    expect((await t().request('GET', '/v1/me', undefined, bearer(second!))).status).toBe(401);
    // The old cookies put back by hand: no session, and the trusted device no longer skips the factor.
    browser.setCookie('wem_portal', second!);
    browser.setCookie('wem_trusted', trusted!);
    expect((await browser.call('me.get')).error.code).toBe('unauthenticated');
    const again = await browser.call('login.start', { email: account.email, password: account.password });
    expect(again.value.state).toBe('mfa_required');
  });

  it('answers an unknown address and a wrong password alike, and counts the guess like /v1/login', async () => {
    const { browser } = await portal(t());
    const account = await accountWithTotp(t());
    const unknown = await browser.call('login.start', {
      email: 'nobody.here@example.net',
      password: 'violet-harbour-lantern-42',
    });
    const wrong = await browser.call('login.start', { email: account.email, password: 'wrong-password-1' });
    expect(unknown.error).toEqual(wrong.error);
    expect(wrong.error.code).toBe('invalid_credentials');
    const guard = await t().db.selectFrom('password_guards').select(['key', 'attempts']).execute();
    expect(guard.find((row) => row.key.endsWith(account.email))?.attempts).toBe(1);
  });

  it("still asks account B's factor with account A's trusted cookie", async () => {
    const { browser } = await portal(t());
    const a = await accountWithTotp(t());
    const b = await accountWithTotp(t());
    await signInOnPage(t(), browser, a, true);
    expect(browser.cookie('wem_trusted')).toBeDefined();
    const asB = await browser.call('login.start', { email: b.email, password: b.password });
    expect(asB.value.state).toBe('mfa_required');
    // And A with the cookie: the password alone, acr telling a trusted computer stood in.
    const asA = await browser.call('login.start', { email: a.email, password: a.password });
    expect(asA.value).toEqual({ state: 'authenticated', trustedComputer: true });
    // A trusted cookie never replaces the password.
    const wrong = await browser.call('login.start', { email: a.email, password: 'not-the-password-1' });
    expect(wrong.error.code).toBe('invalid_credentials');
  });

  it('tells a trusted computer apart in acr, and gives a fresh factor to prompt=login and an essential acr', async () => {
    const { config, browser } = await portal(t());
    const account = await accountWithTotp(t());
    await signInOnPage(t(), browser, account, true);
    expect((await browser.call('session.logout')).ok).toBe(true);
    // Sign out cleared the cookie; a fresh trust for the rest of the test.
    await signInOnPage(t(), browser, account, true);
    const trusted = browser.cookie('wem_trusted')!;
    // A new browser session (closed and reopened): only the trusted cookie is left.
    const reopened = new PortalBrowser(t().api, t().config.publicUrl);
    reopened.setCookie('wem_trusted', trusted);
    const request = await authorizationRequest(config);
    const page = await reopened.visit(request.url.href);
    const uid = interactionOf(page.url);
    const start = await reopened.call('login.start', { email: account.email, password: account.password });
    expect(start.value).toEqual({ state: 'authenticated', trustedComputer: true });
    const callback = new URL((await reopened.visit(`/portal/interaction/${uid}/continue`)).url);
    const tokens = await exchange(config, callback, request);
    expect(tokens.claims()).toMatchObject({ acr: 'urn:wem:acr:trusted-device', amr: ['pwd'] });

    const demands: Record<string, string>[] = [
      { prompt: 'login' },
      { claims: JSON.stringify({ id_token: { acr: { essential: true, value: 'urn:wem:acr:mfa' } } }) },
    ];
    for (const demand of demands) {
      // Signed in on the trusted computer again: a session without a factor checked.
      const trustedAgain = await reopened.call('login.start', {
        email: account.email,
        password: account.password,
      });
      expect(trustedAgain.value).toEqual({ state: 'authenticated', trustedComputer: true });
      const fresh = await authorizationRequest(config, demand);
      const landed = await reopened.visit(fresh.url.href);
      const freshUid = interactionOf(landed.url);
      // The session a trusted computer opened does not do: straight to /continue goes back to the page.
      const skipped = await reopened.visit(`/portal/interaction/${freshUid}/continue`);
      expect(new URL(skipped.url).pathname).toBe('/portal/');
      // The page's sign-in now asks the factor although the trusted cookie is there.
      const asked = await signInOnPage(t(), reopened, account);
      expect(asked.state).toBe('mfa_required');
      const done = new URL((await reopened.visit(`/portal/interaction/${freshUid}/continue`)).url);
      const freshTokens = await exchange(config, done, fresh);
      expect(freshTokens.claims()).toMatchObject({ acr: 'urn:wem:acr:mfa', amr: ['pwd', 'otp', 'mfa'] });
    }
  });
});
