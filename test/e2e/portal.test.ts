import { rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, launchChromium, seriousViolations } from '../helpers/browser';
import { startTestApi, uniqueEmail, type TestApi } from '../helpers/harness';
import { lastCodeMailedTo, totpCode } from '../helpers/mfa';
import { modeler } from '../helpers/portal-browser';
import { freePort } from '../helpers/ports';
import { activationTokenIn } from '../helpers/smtp-peer';
import { linkTokenTo } from '../helpers/lifecycle';

/**
 * The WEM Login Portal's pages in Debian's Chromium: the desktop's own renderer, served at /portal/ by
 * server/portal/pages.ts, in portal mode (HTTP bridge, no authenticator, no server setting), talking to
 * the API's own portal bridge (server/portal/bridge.ts) with its cookies. The API listens on a real
 * port and that address is its PUBLIC_URL, as in production. A relying party's sign-in through these
 * pages is test/e2e/portal-oidc.test.ts.
 */

const polling = { timeout: 10_000 };

let outDir: string;
let browser: Browser;
let context: BrowserContext | undefined;
let api: TestApi;
let portal: { url: string };

beforeAll(async () => {
  outDir = await buildRenderer();
  const port = await freePort();
  portal = { url: `http://127.0.0.1:${port}` };
  api = await startTestApi('sqlite', { env: { PUBLIC_URL: portal.url, PORTAL_RENDERER_DIR: outDir } });
  await api.api.app.listen({ port, host: '127.0.0.1' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** A browser tab on the portal, collecting script errors and CSP violations as they happen. */
async function openPortal(address: string): Promise<{ page: Page; problems: string[] }> {
  // One browser profile for the whole journey: its tabs share the portal's cookies.
  context ??= await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  const page = await context.newPage();
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
    // A first-party app the desktop would offer to open: the browser is already the place for it.
    await api.api.clients.add({ ...modeler, name: 'Modeler' });
    const { page, problems } = await openPortal('/portal/');
    const calls: string[] = [];
    page.on('request', (request) => calls.push(new URL(request.url()).pathname));
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
    // No apps section in the portal: the page does not even ask (the bridge would refuse apps.*).
    expect(await page.getByRole('heading', { name: 'Your WEM apps' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Open Modeler' }).count()).toBe(0);
    expect(calls.filter((call) => call.startsWith('/portal/api/apps.'))).toEqual([]);
    await api.api.clients.remove(modeler.id);

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

  it('sends every call with the CSRF header, which a page of another origin cannot add', async () => {
    const { page } = await openPortal('/portal/');
    await reached(page, 'My details');
    // What a cross-site form or a script elsewhere could send: no custom header, a foreign Origin.
    const status = await fetch(`${portal.url}/portal/api/me.get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://attacker.example' },
      body: '{}',
    });
    expect(status.status).toBe(403);
    expect(await status.json()).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    // Without the header, from the right origin, it is refused just the same.
    const bare = await fetch(`${portal.url}/portal/api/me.get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: portal.url },
      body: '{}',
    });
    expect(bare.status).toBe(403);
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
    expect(problems).toEqual([]);
    await page.close();
  });

  it('resets a forgotten password in the browser: the mail’s page, a factor, a new password', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    const page = await fresh.newPage();
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${portal.url}/portal/`);
    await reached(page, 'Sign in');
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await reached(page, 'Forgot your password?');
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await reached(page, 'Check your mail');

    // The mail's link opens a page (a GET uses nothing) whose "Continue in the browser" carries the
    // token in the fragment only.
    const token = await linkTokenTo(api, email, 'reset-password');
    const linkPage = await api.request('GET', `/reset-password?token=${encodeURIComponent(token)}`);
    const href = /href="(\/portal\/#reset-password=[^"]+)"/.exec(String(linkPage.body))?.[1];
    expect(href).toBe(`/portal/#reset-password=${encodeURIComponent(token)}`);
    // The person opens it in a new tab, as a link from a mail page opens.
    const tab = await fresh.newPage();
    tab.on('pageerror', (error) => problems.push(error.message));
    await tab.goto(`${portal.url}${href!}`);
    await reached(tab, 'Prove it is you');
    expect(tab.url()).toBe(`${portal.url}/portal/`);
    await tab.getByRole('button', { name: 'Enter the code from your app' }).click();
    await reached(tab, 'Enter the code');
    api.clock.advance(30_000);
    await tab.getByRole('textbox', { name: 'Code' }).fill(await totpCode(key, api));
    await tab.getByRole('button', { name: 'Confirm' }).click();
    await reached(tab, 'Choose a new password');
    await tab.getByLabel('New password', { exact: true }).fill('a brand new harbour lantern 5');
    await tab.getByRole('button', { name: 'Set the new password' }).click();
    await reached(tab, 'Sign in');
    const signIn = await api.request('POST', '/v1/login', {
      email,
      password: 'a brand new harbour lantern 5',
    });
    expect(signIn.status).toBe(200);
    // The reset signed every browser out, the journey's own too.
    const live = await api.db
      .selectFrom('sessions')
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .select('sessions.id')
      .where('accounts.email', '=', email)
      .where('sessions.revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);
    expect(problems).toEqual([]);
    await fresh.close();
  });
});
