import { rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, launchChromium, seriousViolations } from '../helpers/browser';
import { listeningApi } from '../helpers/desktop';
import { uniqueEmail, type TestApi } from '../helpers/harness';
import { accountWithTotp, lastCodeMailedTo, totpCode } from '../helpers/mfa';
import { consentClient, startPortalStandIn, type PortalStandIn } from '../helpers/portal-stand-in';
import { activationTokenIn } from '../helpers/smtp-peer';

/**
 * The WEM Login Portal's pages in Debian's Chromium: the desktop's own renderer, served at /portal/ by
 * server/portal/pages.ts, in portal mode (HTTP bridge, no authenticator, no server setting). Until the
 * API's portal bridge is merged, the calls go to test/helpers/portal-stand-in.ts (the desktop services
 * router behind the portal's HTTP shape) against a real account API and its SMTP peer.
 */

const polling = { timeout: 10_000 };

let outDir: string;
let browser: Browser;
let api: TestApi & { url: string };
let portal: PortalStandIn;

beforeAll(async () => {
  outDir = await buildRenderer();
  api = await listeningApi();
  portal = await startPortalStandIn({ rendererDir: outDir, apiUrl: api.url });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.close();
  await api?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** A browser tab on the portal, collecting script errors and CSP violations as they happen. */
async function openPortal(address: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  await page.goto(`${portal.url}${address}`);
  return { page, problems };
}

/** The step is showing (its heading has the focus) and passes axe; `screenshot` goes to docs/ on request. */
async function reached(page: Page, heading: string, screenshot?: string): Promise<void> {
  const title = page.getByRole('heading', { level: 2, name: heading });
  await expect.poll(() => title.isVisible(), polling).toBe(true);
  await expect.poll(() => page.evaluate('document.activeElement?.textContent'), polling).toBe(heading);
  expect(await seriousViolations(page), heading).toEqual([]);
  if (screenshot && process.env.UPDATE_SCREENSHOTS === '1')
    writeFileSync(path.resolve('docs/screenshots', `${screenshot}.png`), await page.screenshot());
}

describe('the WEM Login Portal in a browser', () => {
  const email = uniqueEmail('portal');
  const password = 'violet harbour lantern';
  let key = '';

  it('signs a new user up, activates from the mailed link in the browser and sets up MFA', async () => {
    api.clock.set(Date.now());
    const { page, problems } = await openPortal('/portal/');
    await reached(page, 'Sign in', 'portal-sign-in');
    // The portal's own name; the desktop-only places are not there.
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('WEM Login Portal');
    expect(await page.getByRole('button', { name: 'Authenticator', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Settings', exact: true }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Create an account' }).click();
    await reached(page, 'Create your WEM account');
    await page.getByLabel('First name').fill('Jane');
    await page.getByLabel('Last name').fill('Doe');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('I accept the terms').check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await reached(page, 'Check your mail');

    // The mailed link's page (a GET: uses nothing) offers "Continue in the browser" with the token in
    // the fragment; the person opens it in a new tab.
    const [mail] = await api.mailsTo(email);
    const token = activationTokenIn(mail!);
    const linkPage = await api.request('GET', `/activate?token=${encodeURIComponent(token)}`);
    const href = /<a [^>]*href="(\/portal\/#activate=[^"]+)"[^>]*>Continue in the browser<\/a>/.exec(
      String(linkPage.body),
    )?.[1];
    expect(href).toBe(`/portal/#activate=${encodeURIComponent(token)}`);
    const activation = await openPortal(href!);
    await reached(activation.page, 'Your account is active');
    // The token left the address bar at once (replacing the history entry): not in a copied address.
    expect(activation.page.url()).toBe(`${portal.url}/portal/`);
    await activation.page.getByRole('button', { name: 'Sign in' }).click();
    await reached(activation.page, 'Sign in');
    await page.close();

    const flow = activation.page;
    await flow.getByLabel('Email').fill(email);
    await flow.getByLabel('Password').fill(password);
    await flow.getByRole('button', { name: 'Sign in' }).click();
    await reached(flow, 'Set up multi-factor authentication');
    expect(await flow.getByText('Set up at least 2 of the 3').isVisible()).toBe(true);
    // "This app" makes codes only in the desktop app.
    expect(await flow.getByText('the WEM Account desktop app makes the codes').isVisible()).toBe(true);
    await flow.getByRole('radio', { name: /Authenticator app/ }).check();
    await flow.getByRole('button', { name: 'Continue' }).click();
    await reached(flow, 'Set up an authenticator app');
    expect(await flow.getByRole('button', { name: 'Use this computer as the authenticator' }).count()).toBe(
      0,
    );
    key = (await flow.getByLabel('Authenticator key', { exact: true }).inputValue()).replace(/\s/g, '');
    await flow.getByLabel('Code', { exact: true }).fill(await totpCode(key, api));
    await flow.getByRole('button', { name: 'Confirm and turn on' }).click();

    await reached(flow, 'Add a second factor');
    await flow.getByRole('radio', { name: /Code by email/ }).check();
    await flow.getByRole('button', { name: 'Add this factor' }).click();
    await reached(flow, 'Set up codes by email');
    await flow.getByRole('button', { name: 'Send me a code' }).click();
    await expect.poll(() => flow.getByText(/We sent a code to/).isVisible(), polling).toBe(true);
    await flow.getByLabel('Code', { exact: true }).fill(await lastCodeMailedTo(api, email));
    await flow.getByRole('button', { name: 'Confirm and turn on' }).click();
    await reached(flow, 'Your factors are set up');
    await flow.getByRole('button', { name: 'Make recovery codes' }).click();
    await reached(flow, 'Your recovery codes');
    expect(await flow.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(10);
    await flow.getByLabel('I have saved these codes').check();
    await flow.getByRole('button', { name: 'Done' }).click();
    await reached(flow, 'Your factors are set up');
    await flow.getByRole('button', { name: 'Go to My details' }).click();
    await reached(flow, 'My details');
    // What signing out means in a browser.
    expect(await flow.getByText('Closing the browser ends your session').isVisible()).toBe(true);
    expect(activation.problems).toEqual([]);
    expect(problems).toEqual([]);
    await flow.close();
  }, 120_000);

  it('signs out, then in with an emailed code and "Trust this computer", listed in My details', async () => {
    const { page, problems } = await openPortal('/portal/');
    // Still signed in from the last tab: My details, with the sign-out.
    await reached(page, 'My details');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await reached(page, 'Sign in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await reached(page, 'Confirm it is you', 'portal-mfa-choose');
    await page.getByRole('radio', { name: /^Email to / }).check();
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await reached(page, 'Enter your code');
    await page.getByLabel('Code', { exact: true }).fill(await lastCodeMailedTo(api, email));
    await page.getByLabel('Trust this computer (skip MFA for a week)').check();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await reached(page, 'My details');
    await expect.poll(() => page.getByText('This computer', { exact: true }).isVisible(), polling).toBe(true);

    // Settings in the browser: language and appearance, no server address.
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await reached(page, 'Settings');
    expect(await page.getByLabel('WEM Account server').count()).toBe(0);
    await page.getByLabel('Language').selectOption('nl');
    await expect
      .poll(() => page.getByRole('heading', { level: 2, name: 'Instellingen' }).isVisible(), polling)
      .toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Taal').selectOption('en');
    await reached(page, 'Settings');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('hands an OpenID Connect sign-in back to the server after the password on a trusted computer', async () => {
    const { page, problems } = await openPortal('/portal/?interaction=abc');
    // A relying party sent the browser here: the sign-in is asked even with a session at hand.
    await reached(page, 'Sign in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.url(), polling).toBe(`${portal.url}/portal/interaction/abc/continue`);
    expect(portal.continued).toEqual(['abc']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('hands the sign-in back after the factor step, and after a first MFA set-up', async () => {
    api.clock.set(Date.now());
    const enrolled = await accountWithTotp(api);
    const { page, problems } = await openPortal('/portal/?interaction=factor1');
    await reached(page, 'Sign in');
    await page.getByLabel('Email').fill(enrolled.email);
    await page.getByLabel('Password').fill(enrolled.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await reached(page, 'Confirm it is you');
    await page.getByRole('radio', { name: 'Authenticator app' }).check();
    await page.getByRole('button', { name: 'Enter the code from your app' }).click();
    await reached(page, 'Enter your code');
    await page.getByLabel('Code', { exact: true }).fill(await totpCode(enrolled.totpSecret, api));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.url(), polling).toBe(`${portal.url}/portal/interaction/factor1/continue`);
    await page.close();

    // A new account's first sign-in through a relying party: the set-up comes first, then the client.
    const fresh = await api.activeAccount();
    const setup = await openPortal('/portal/?interaction=setup1');
    await reached(setup.page, 'Sign in');
    await setup.page.getByLabel('Email').fill(fresh.email);
    await setup.page.getByLabel('Password').fill(fresh.password);
    await setup.page.getByRole('button', { name: 'Sign in' }).click();
    await reached(setup.page, 'Set up multi-factor authentication');
    await setup.page.getByRole('radio', { name: /Authenticator app/ }).check();
    await setup.page.getByRole('button', { name: 'Continue' }).click();
    await reached(setup.page, 'Set up an authenticator app');
    const secret = (await setup.page.getByLabel('Authenticator key', { exact: true }).inputValue()).replace(
      /\s/g,
      '',
    );
    await setup.page.getByLabel('Code', { exact: true }).fill(await totpCode(secret, api));
    await setup.page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await reached(setup.page, 'Add a second factor');
    await setup.page.getByRole('button', { name: 'Skip for now' }).click();
    await expect
      .poll(() => setup.page.url(), polling)
      .toBe(`${portal.url}/portal/interaction/setup1/continue`);
    expect(portal.continued).toEqual(['abc', 'factor1', 'setup1']);
    expect([...problems, ...setup.problems]).toEqual([]);
    await setup.page.close();
  }, 60_000);

  it('asks for consent for a third-party client and goes where the server says', async () => {
    const { page, problems } = await openPortal(`/portal/?interaction=${consentClient.uid}&consent=1`);
    await reached(page, 'Allow Acme Reports to use your WEM account?', 'portal-consent');
    const asked = await page
      .getByRole('list', { name: 'What the app asks for' })
      .getByRole('listitem')
      .allInnerTexts();
    expect(asked).toEqual([
      "Know that it is you (your WEM account's id, not your password)",
      'See your email address',
      'See your name and language',
      'Keep this access while you are not using it, until you sign out there',
    ]);
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect.poll(() => page.url(), polling).toBe(`${portal.url}/relying-party/callback?approved=true`);
    expect(portal.consentAnswers).toEqual([{ uid: consentClient.uid, approve: true }]);
    expect(problems).toEqual([]);
    await page.close();

    const denied = await openPortal(`/portal/?interaction=${consentClient.uid}&consent=1`);
    await reached(denied.page, 'Allow Acme Reports to use your WEM account?');
    await denied.page.getByRole('button', { name: 'Deny' }).click();
    await expect
      .poll(() => denied.page.url(), polling)
      .toBe(`${portal.url}/relying-party/callback?approved=false`);
    expect(portal.consentAnswers.at(-1)).toEqual({ uid: consentClient.uid, approve: false });
    await denied.page.close();

    // An interaction the server no longer knows: said so, nothing to approve.
    const gone = await openPortal('/portal/?interaction=expired-one&consent=1');
    await reached(gone.page, 'This request cannot be continued');
    expect(await gone.page.getByRole('button', { name: 'Allow' }).count()).toBe(0);
    await gone.page.close();
  });

  it('sends every call with the CSRF header, which a page of another origin cannot add', async () => {
    expect(portal.refusedCalls).toEqual([]);
    const { page } = await openPortal('/portal/');
    await reached(page, 'My details');
    // What a cross-site form or a script elsewhere could send: no custom header, a foreign Origin.
    const status = await fetch(`${portal.url}/portal/api/me.get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://attacker.example' },
      body: '{}',
    });
    expect(status.status).toBe(403);
    expect(portal.refusedCalls).toEqual(['me.get']);
    await page.close();
  });

  it('goes back to sign-in when the session ends on the server', async () => {
    const { page, problems } = await openPortal('/portal/');
    await reached(page, 'My details');
    // Ended elsewhere (expired, revoked): the page's next call finds it gone.
    await api.db.deleteFrom('sessions').execute();
    await page.getByRole('button', { name: 'Manage MFA' }).click();
    await reached(page, 'Sign in');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('never puts an interaction id that is not one into an address', async () => {
    const { page, problems } = await openPortal('/portal/?interaction=..%2F..%2Fv1%2Flogout');
    await reached(page, 'Sign in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in on the trusted computer, and left on the portal's own My details.
    await reached(page, 'My details');
    expect(page.url()).toBe(`${portal.url}/portal/?interaction=..%2F..%2Fv1%2Flogout`);
    expect(portal.continued).toEqual(['abc', 'factor1', 'setup1']);
    expect(problems).toEqual([]);
    await page.close();
  });
});
