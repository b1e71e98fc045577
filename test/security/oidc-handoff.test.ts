import { expect, it } from 'vitest';
import { forEachDialect, type TestApi } from '../helpers/harness';
import { accountWithTotp, bearer } from '../helpers/mfa';
import { authorizationRequest, modeler, PortalBrowser, relyingParty } from '../helpers/portal-browser';
import { exchange, signInOnPage } from '../helpers/portal-sign-in';
import { sessionTokenFor } from '../helpers/login';

const myWem = {
  ...modeler,
  id: 'mywem',
  name: 'MyWEM',
  redirectUris: ['https://my.example.test/callback'],
  postLogoutRedirectUris: [],
  launchUrl: 'https://my.example.test/',
};

async function setUp(t: TestApi) {
  t.clock.set(Date.now());
  await t.api.clients.add(modeler);
  await t.api.clients.add(myWem);
  await t.api.clients.add({ ...modeler, id: 'third', name: 'Third', firstParty: false });
  const account = await accountWithTotp(t);
  return { account, browser: new PortalBrowser(t.api, t.config.publicUrl) };
}

async function handoff(t: TestApi, token: string, clientId: string) {
  return t.request('POST', '/v1/handoff', { clientId }, bearer(token));
}

forEachDialect('the desktop hand-off to the portal', (t) => {
  it('lists the first-party apps with a launch URL', async () => {
    const { account } = await setUp(t());
    const apps = await t().request('GET', '/v1/apps', undefined, bearer(account.token));
    expect(apps.status).toBe(200);
    expect(apps.body).toEqual([
      { clientId: 'mywem', name: 'MyWEM', launchUrl: 'https://my.example.test/' },
      { clientId: 'wem-modeler', name: 'WEM Modeler', launchUrl: 'https://modeler.example.test/' },
    ]);
  });

  it('opens the app already signed in, with the desktop sign-in amr, once', async () => {
    const { account, browser } = await setUp(t());
    const issued = await handoff(t(), account.token, modeler.id);
    expect(issued.status).toBe(201);
    const url = new URL(issued.body.url);
    expect(url.origin + url.pathname).toBe(`${t().config.publicUrl}/portal/handoff`);
    // 256 bits of secret after the id.
    expect(url.searchParams.get('ticket')?.split('.')[1]).toHaveLength(43);
    const stored = await t().db.selectFrom('handoff_tickets').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(url.searchParams.get('ticket')!.split('.')[1]);

    const landed = await browser.send('GET', issued.body.url);
    expect(landed.status).toBe(303);
    expect(landed.location).toBe('https://modeler.example.test/');
    // The Modeler then starts its sign-in: no page, straight back with a code carrying the desktop's amr.
    const config = await relyingParty(t(), { id: modeler.id });
    const request = await authorizationRequest(config);
    const callback = await browser.visit(request.url.href);
    expect(callback.url).toMatch(/^https:\/\/modeler\.example\.test\/callback\?code=/);
    const tokens = await exchange(config, new URL(callback.url), request);
    expect(tokens.claims()).toMatchObject({ acr: 'urn:wem:acr:mfa', amr: ['pwd', 'otp', 'mfa'] });

    // Replayed, in another browser: the ordinary sign-in page.
    const other = new PortalBrowser(t().api, t().config.publicUrl);
    const replay = await other.send('GET', issued.body.url);
    expect(replay.location).toBe(`${t().config.publicUrl}/portal/`);
    expect(other.cookie('wem_portal')).toBeUndefined();
  });

  it("falls back to the sign-in page for another client's, an expired or a forged ticket", async () => {
    const { account } = await setUp(t());
    const forModeler = new URL((await handoff(t(), account.token, modeler.id)).body.url);
    forModeler.searchParams.set('client', 'mywem');
    const expired = new URL((await handoff(t(), account.token, modeler.id)).body.url);
    const forged = new URL(expired);
    forged.searchParams.set('ticket', `${'A'.repeat(16)}.${'B'.repeat(43)}`);
    t().clock.advance(60_001);
    for (const url of [forModeler, expired, forged]) {
      const browser = new PortalBrowser(t().api, t().config.publicUrl);
      const answer = await browser.send('GET', url.href);
      expect(answer.location, url.href).toBe(`${t().config.publicUrl}/portal/`);
      expect(browser.cookie('wem_portal')).toBeUndefined();
    }
    // The cross-client attempt spent the ticket: it does not work for its own client afterwards either.
    const original = new URL(forModeler);
    original.searchParams.set('client', modeler.id);
    const browser = new PortalBrowser(t().api, t().config.publicUrl);
    expect((await browser.send('GET', original.href)).location).toBe(`${t().config.publicUrl}/portal/`);
  });

  it('refuses an enrollment session, a third-party client and an unknown one', async () => {
    const { account } = await setUp(t());
    const fresh = await t().activeAccount();
    const enrollment = await sessionTokenFor(t(), fresh);
    expect((await handoff(t(), enrollment, modeler.id)).body.error.code).toBe('forbidden');
    expect((await handoff(t(), account.token, 'third')).body.error.code).toBe('client_not_found');
    expect((await handoff(t(), account.token, 'nobody')).status).toBe(404);
  });
});

forEachDialect('consent for a third-party client', (t) => {
  it('asks once on the consent screen and lets the user decline', async () => {
    const { account, browser } = await setUp(t());
    const config = await relyingParty(t(), { id: 'third' });
    const request = await authorizationRequest(config, { scope: 'openid email' });
    let landed = await browser.visit(request.url.href);
    const uid = new URL(landed.url).searchParams.get('interaction')!;
    await signInOnPage(t(), browser, account);
    landed = await browser.visit(`/portal/interaction/${uid}/continue`);
    // Signed in, the provider asks its next question: consent, a new interaction on the same page.
    const consentPage = new URL(landed.url);
    expect(consentPage.pathname).toBe('/portal/');
    expect(consentPage.searchParams.get('consent')).toBe('1');
    const consentUid = consentPage.searchParams.get('interaction')!;
    const details = await browser.send('GET', `/portal/interaction/${consentUid}/details`);
    expect(JSON.parse(details.body)).toEqual({
      clientName: 'Third',
      scopes: ['openid', 'email'],
      claims: [],
    });
    const noHeader = await browser.send('POST', `/portal/interaction/${consentUid}/consent`, {
      body: JSON.stringify({ approve: true }),
      headers: { 'content-type': 'application/json' },
    });
    expect(noHeader.status).toBe(403);
    const approved = await browser.send('POST', `/portal/interaction/${consentUid}/consent`, {
      body: JSON.stringify({ approve: true }),
      headers: { 'content-type': 'application/json', 'x-wem-portal': '1', origin: browser.origin },
    });
    const callback = await browser.visit(JSON.parse(approved.body).redirectTo);
    const tokens = await exchange(config, new URL(callback.url), request);
    expect(tokens.claims()?.acr).toBe('urn:wem:acr:mfa');

    // Declined: the client hears access_denied.
    const second = await authorizationRequest(config, { scope: 'openid profile' });
    const page = await browser.visit(second.url.href);
    const uid2 = new URL(page.url).searchParams.get('interaction')!;
    expect(new URL(page.url).searchParams.get('consent')).toBe('1');
    const declined = await browser.send('POST', `/portal/interaction/${uid2}/consent`, {
      body: JSON.stringify({ approve: false }),
      headers: { 'content-type': 'application/json', 'x-wem-portal': '1', origin: browser.origin },
    });
    const refused = await browser.visit(JSON.parse(declined.body).redirectTo);
    expect(refused.url).toMatch(/error=access_denied/);
  });
});
