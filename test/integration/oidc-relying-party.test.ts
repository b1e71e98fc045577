import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { forEachDialect, type TestApi } from '../helpers/harness';
import { twoInstances } from '../helpers/instances';
import { accountWithTotp } from '../helpers/mfa';
import { authorizationRequest, modeler, PortalBrowser, relyingParty } from '../helpers/portal-browser';
import { authorizeThroughPortal, exchange } from '../helpers/portal-sign-in';

/** The account's id: what `sub` must be (stable, not the address). */
async function accountId(t: TestApi, email: string): Promise<string> {
  const row = await t.db
    .selectFrom('accounts')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return row.id;
}

forEachDialect('a relying party (openid-client) signs users in through the portal', (t) => {
  it('signs in with password and TOTP, checks the ID token, reads userinfo, rotates refresh tokens and logs out', async () => {
    t().clock.set(Date.now());
    const account = await accountWithTotp(t());
    await t().api.clients.add(modeler);
    const config = await relyingParty(t(), { id: modeler.id });
    const browser = new PortalBrowser(t().api, t().config.publicUrl);

    const request = await authorizationRequest(config);
    const callback = await authorizeThroughPortal(t(), browser, request, account, true);
    expect(callback.origin + callback.pathname).toBe('https://modeler.example.test/callback');

    const tokens = await exchange(config, callback, request);
    const claims = tokens.claims();
    const sub = await accountId(t(), account.email);
    expect(claims?.sub).toBe(sub);
    expect(claims?.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims?.acr).toBe('urn:wem:acr:mfa');
    // Profile claims come from userinfo (the ID token conforms to OpenID Connect Core 5.4).

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    expect(userinfo).toMatchObject({
      sub,
      email: account.email,
      email_verified: true,
      given_name: 'Jane',
      family_name: 'Doe',
      name: 'Jane Doe',
    });

    // Rotation: every refresh gives a new refresh token; the old one replayed revokes the grant.
    const first = tokens.refresh_token;
    if (!first) throw new Error('no refresh token');
    const refreshed = await oidc.refreshTokenGrant(config, first);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(first);
    await expect(oidc.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    // RP-initiated logout ends the portal session and forgets the trusted browser.
    expect(browser.cookie('wem_trusted')).toBeDefined();
    const logout = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://modeler.example.test/signed-out',
    });
    const question = await browser.visit(logout.href);
    expect(question.status).toBe(200);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(question.body)?.[1];
    const action = /action="([^"]+)"/.exec(question.body)?.[1];
    if (!xsrf || !action) throw new Error(`no logout form: ${question.body}`);
    const confirmed = await browser.send('POST', action, {
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: browser.origin },
    });
    expect(confirmed.location).toMatch(/^https:\/\/modeler\.example\.test\/signed-out/);
    expect(browser.cookie('wem_portal')).toBeUndefined();
    expect(browser.cookie('wem_trusted')).toBeUndefined();
    const devices = await t().db.selectFrom('trusted_devices').select('revoked_at').execute();
    expect(devices.map((d) => d.revoked_at !== null)).toEqual([true]);

    // Signing in again asks for the password on the page.
    const again = await browser.visit((await authorizationRequest(config)).url.href);
    expect(new URL(again.url).pathname).toBe('/portal/');
  });
});

/** The logout tokens the provider posted, as a client's back-channel endpoint would receive them. */
const backchannel: { url: string; body: string }[] = [];

forEachDialect(
  'back-channel logout',
  (t) => {
    it('tells a client that registered a back-channel URI when the user logs out', async () => {
      backchannel.length = 0;
      t().clock.set(Date.now());
      const account = await accountWithTotp(t());
      await t().api.clients.add({
        ...modeler,
        backchannelLogoutUri: 'https://modeler.example.test/backchannel',
      });
      const config = await relyingParty(t(), { id: modeler.id });
      const browser = new PortalBrowser(t().api, t().config.publicUrl);
      const request = await authorizationRequest(config);
      const tokens = await exchange(
        config,
        await authorizeThroughPortal(t(), browser, request, account),
        request,
      );
      const sub = tokens.claims()!.sub;

      const question = await browser.visit(
        oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! }).href,
      );
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(question.body)?.[1];
      await browser.send('POST', '/oidc/session/end/confirm', {
        body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: browser.origin },
      });
      expect(backchannel.map((call) => call.url)).toEqual(['https://modeler.example.test/backchannel']);
      const logoutToken = new URLSearchParams(backchannel[0]!.body).get('logout_token')!;
      const claims = JSON.parse(Buffer.from(logoutToken.split('.')[1]!, 'base64url').toString());
      expect(claims).toMatchObject({
        sub,
        aud: modeler.id,
        iss: t().config.publicUrl,
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      });
    });
  },
  {
    oidcFetch: async (input, init) => {
      backchannel.push({ url: String(input), body: String(init?.body) });
      return new Response(null, { status: 200 });
    },
  },
);

describe('the login portal across two API instances on one PostgreSQL', () => {
  it('authorizes on one instance and exchanges the code and refreshes on the other', async () => {
    const both = await twoInstances('postgres');
    try {
      const t = both.first;
      t.clock.set(Date.now());
      const account = await accountWithTotp(t);
      await t.api.clients.add(modeler);
      // The relying party's back channel reaches the second instance; the browser the first.
      const config = await relyingParty(t, { id: modeler.id }, () => both.second.api);
      const browser = new PortalBrowser(t.api, t.config.publicUrl);
      const request = await authorizationRequest(config);
      const callback = await authorizeThroughPortal(t, browser, request, account);
      const tokens = await exchange(config, callback, request);
      expect(tokens.claims()?.acr).toBe('urn:wem:acr:mfa');
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      // And back: the rotated token is honoured by the first instance too.
      const onFirst = await relyingParty(t, { id: modeler.id });
      await expect(oidc.refreshTokenGrant(onFirst, refreshed.refresh_token!)).resolves.toMatchObject({
        token_type: expect.stringMatching(/bearer/i),
      });
      // The browser, moved to the other instance, is still signed in there: no page, straight back.
      browser.use(both.second.api);
      const again = await authorizationRequest(config);
      const landed = await browser.visit(again.url.href);
      expect(landed.url).toMatch(/^https:\/\/modeler\.example\.test\/callback\?code=/);
    } finally {
      await both.close();
    }
  });
});
