import { rm } from 'node:fs/promises';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, launchChromium, seriousViolations } from '../helpers/browser';
import { startTestApi, type TestApi } from '../helpers/harness';
import { accountWithTotp, totpCode, type EnrolledAccount } from '../helpers/mfa';
import { freePort } from '../helpers/ports';
import { authorizationRequest, type AuthorizationRequest } from '../helpers/portal-browser';

/**
 * A relying party that no one here wrote (openid-client) signs a user in through the WEM Login Portal
 * in Debian's Chromium: discovery, an authorization request with PKCE, the portal's own pages (the
 * renderer's screens over the portal bridge, with their cookies), the code exchange with every check
 * a relying party makes, and RP-initiated logout. The API listens on a real port; its PUBLIC_URL is
 * that address, so the issuer, the cookies and the redirects are what a browser really sees.
 */

const polling = { timeout: 15_000 };
/** The relying party's callback: never reached over the network, Playwright answers it. */
const rp = 'http://127.0.0.1:47213';

let outDir: string;
let browser: Browser;
let api: TestApi;
let issuer: string;
let config: oidc.Configuration;
let account: EnrolledAccount;

beforeAll(async () => {
  outDir = await buildRenderer();
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  api = await startTestApi('sqlite', { env: { PUBLIC_URL: issuer, PORTAL_RENDERER_DIR: outDir } });
  await api.api.app.listen({ port, host: '127.0.0.1' });
  await api.api.clients.add({
    id: 'wem-modeler',
    name: 'WEM Modeler',
    redirectUris: [`${rp}/callback`],
    postLogoutRedirectUris: [`${rp}/signed-out`],
    public: true,
    firstParty: true,
    backchannelLogoutUri: undefined,
    launchUrl: `${rp}/`,
  });
  config = await oidc.discovery(new URL(issuer), 'wem-modeler', undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
  api.clock.set(Date.now());
  account = await accountWithTotp(api);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** An authorization request as the relying party makes it (PKCE S256, state, nonce) to its callback. */
const authorization = (extra: Record<string, string> = {}): Promise<AuthorizationRequest> =>
  authorizationRequest(config, extra, `${rp}/callback`);

/** The factor step with the authenticator app's code. */
async function enterTotp(page: Page, secret: string, trust = false): Promise<void> {
  await page.getByRole('radio', { name: 'Authenticator app' }).check();
  await page.getByRole('button', { name: 'Enter the code from your app' }).click();
  await page.getByLabel('Code', { exact: true }).fill(await totpCode(secret, api));
  if (trust) await page.getByLabel('Trust this computer (skip MFA for a week)').check();
  await page.getByRole('button', { name: 'Confirm' }).click();
}

/** A browser window whose requests to the relying party are answered here and remembered. */
async function rpWindow(
  context: BrowserContext,
): Promise<{ page: Page; reached: string[]; problems: string[] }> {
  const reached: string[] = [];
  await context.route(`${rp}/**`, async (route) => {
    reached.push(route.request().url());
    await route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<title>Modeler</title><h1>Modeler</h1>',
    });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  return { page, reached, problems };
}

async function signInScreen(page: Page): Promise<void> {
  const title = page.getByRole('heading', { level: 2, name: 'Sign in' });
  await expect.poll(() => title.isVisible(), polling).toBe(true);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function callbackOf(reached: string[]): Promise<URL> {
  await expect.poll(() => reached.find((url) => url.startsWith(`${rp}/callback`)), polling).toBeDefined();
  return new URL(reached.find((url) => url.startsWith(`${rp}/callback`))!);
}

function exchange(callback: URL, request: AuthorizationRequest) {
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
  });
}

describe('openid-client signs a user in through the portal in Chromium', () => {
  let context: BrowserContext;
  let idToken = '';

  it('asks for the password and the factor, ticks "Trust this computer", and hands the client a checked ID token', async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const { page, reached, problems } = await rpWindow(context);
    const request = await authorization();
    await page.goto(request.url.href);
    await expect.poll(() => new URL(page.url()).pathname, polling).toBe('/portal/');
    await signInScreen(page);

    await enterTotp(page, account.totpSecret, true);

    const tokens = await exchange(await callbackOf(reached), request);
    const claims = tokens.claims();
    expect(claims?.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims?.acr).toBe('urn:wem:acr:mfa');
    expect(claims?.sub).toMatch(/\S/);
    expect(claims?.sub).not.toBe(account.email);
    expect(tokens.refresh_token).toBeDefined();
    idToken = tokens.id_token ?? '';
    // The session cookie lives as long as the browser; the trusted-computer cookie a week, HttpOnly.
    const cookies = await context.cookies(issuer);
    const portal = cookies.find((cookie) => cookie.name === 'wem_portal');
    const trusted = cookies.find((cookie) => cookie.name === 'wem_trusted');
    expect(portal).toMatchObject({ httpOnly: true, expires: -1 });
    expect(trusted?.httpOnly).toBe(true);
    expect(trusted!.expires * 1000 - Date.now()).toBeGreaterThan(6.9 * 24 * 3_600_000);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('after the browser closed, asks the trusted browser for the password alone, and says so in acr', async () => {
    // Closing the browser ends the portal session (a cookie without an expiry); the trusted-computer
    // cookie stays. A new context with only the lasting cookies is that browser started again.
    const lasting = (await context.cookies(issuer)).filter((cookie) => cookie.expires !== -1);
    await context.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.addCookies(lasting);
    api.clock.advance(60_000);
    const { page, reached, problems } = await rpWindow(context);
    const request = await authorization();
    await page.goto(request.url.href);
    await expect.poll(() => new URL(page.url()).pathname, polling).toBe('/portal/');
    await signInScreen(page);
    const tokens = await exchange(await callbackOf(reached), request);
    expect(tokens.claims()?.acr).toBe('urn:wem:acr:trusted-device');
    expect(tokens.claims()?.amr).toEqual(['pwd']);
    idToken = tokens.id_token ?? '';
    expect(problems).toEqual([]);
    await page.close();
  });

  it('gives a client that demands a fresh factor (prompt=login) the factor step, even on the trusted browser', async () => {
    api.clock.advance(60_000);
    const { page, reached, problems } = await rpWindow(context);
    const request = await authorization({ prompt: 'login consent' });
    await page.goto(request.url.href);
    await expect.poll(() => new URL(page.url()).pathname, polling).toBe('/portal/');
    await signInScreen(page);
    await enterTotp(page, account.totpSecret);
    const tokens = await exchange(await callbackOf(reached), request);
    expect(tokens.claims()?.acr).toBe('urn:wem:acr:mfa');
    expect(tokens.claims()?.amr).toEqual(['pwd', 'otp', 'mfa']);
    idToken = tokens.id_token ?? '';
    expect(problems).toEqual([]);
    await page.close();
  });

  it('logs out from the relying party: the portal session ends and the trusted browser is forgotten', async () => {
    const { page, reached } = await rpWindow(context);
    const logout = oidc.buildEndSessionUrl(config, {
      id_token_hint: idToken,
      post_logout_redirect_uri: `${rp}/signed-out`,
    });
    await page.goto(logout.href);
    // The provider asks before it signs the browser out (no page of another site can do it silently).
    await expect
      .poll(() => page.getByRole('heading', { name: 'Sign out of WEM?' }).isVisible(), polling)
      .toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await expect.poll(() => reached.some((url) => url.startsWith(`${rp}/signed-out`)), polling).toBe(true);
    const names = (await context.cookies(issuer)).map((cookie) => cookie.name);
    expect(names).not.toContain('wem_portal');
    expect(names).not.toContain('wem_trusted');
    const devices = await api.db.selectFrom('trusted_devices').select('revoked_at').execute();
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.every((device) => device.revoked_at !== null)).toBe(true);
    await context.close();
  });
});

describe('a third-party client and a first sign-in through a relying party', () => {
  it('asks for consent for a client that is not WEM’s own: allowed gives a code, denied tells the client', async () => {
    await api.api.clients.add({
      id: 'acme-reports',
      name: 'Acme Reports',
      redirectUris: [`${rp}/acme/callback`],
      postLogoutRedirectUris: [],
      public: true,
      firstParty: false,
      backchannelLogoutUri: undefined,
      launchUrl: undefined,
    });
    const acme = await oidc.discovery(new URL(issuer), 'acme-reports', undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const { page, reached, problems } = await rpWindow(context);
    const ask = async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(acme, {
        redirect_uri: `${rp}/acme/callback`,
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      return { url, verifier, state };
    };

    api.clock.advance(60_000);
    const allowed = await ask();
    await page.goto(allowed.url.href);
    await signInScreen(page);
    await enterTotp(page, account.totpSecret);
    const question = page.getByRole('heading', {
      level: 2,
      name: 'Allow Acme Reports to use your WEM account?',
    });
    await expect.poll(() => question.isVisible(), polling).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect
      .poll(() => reached.find((url) => url.startsWith(`${rp}/acme/callback`)), polling)
      .toBeDefined();
    const callback = new URL(reached.find((url) => url.startsWith(`${rp}/acme/callback`))!);
    const tokens = await oidc.authorizationCodeGrant(acme, callback, {
      pkceCodeVerifier: allowed.verifier,
      expectedState: allowed.state,
      idTokenExpected: true,
    });
    expect(tokens.claims()?.acr).toBe('urn:wem:acr:mfa');

    await context.close();

    // Another person, who says no: the client hears access_denied and gets no code.
    const other = await accountWithTotp(api);
    const second = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const window2 = await rpWindow(second);
    const denied = await ask();
    await window2.page.goto(denied.url.href);
    const signIn = window2.page.getByRole('heading', { level: 2, name: 'Sign in' });
    await expect.poll(() => signIn.isVisible(), polling).toBe(true);
    await window2.page.getByLabel('Email').fill(other.email);
    await window2.page.getByLabel('Password').fill(other.password);
    await window2.page.getByRole('button', { name: 'Sign in' }).click();
    await enterTotp(window2.page, other.totpSecret);
    const question2 = window2.page.getByRole('heading', {
      level: 2,
      name: 'Allow Acme Reports to use your WEM account?',
    });
    await expect.poll(() => question2.isVisible(), polling).toBe(true);
    await window2.page.getByRole('button', { name: 'Deny' }).click();
    await expect
      .poll(() => window2.reached.find((url) => url.startsWith(`${rp}/acme/callback`)), polling)
      .toBeDefined();
    const refusal = new URL(window2.reached.find((url) => url.startsWith(`${rp}/acme/callback`))!);
    expect(refusal.searchParams.get('error')).toBe('access_denied');
    expect(refusal.searchParams.get('code')).toBeNull();
    expect([...problems, ...window2.problems]).toEqual([]);
    await second.close();
  });

  it('takes a new account through its first MFA set-up, then on to the client', async () => {
    const fresh = await api.activeAccount();
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const { page, reached, problems } = await rpWindow(context);
    const request = await authorization();
    await page.goto(request.url.href);
    const title = page.getByRole('heading', { level: 2, name: 'Sign in' });
    await expect.poll(() => title.isVisible(), polling).toBe(true);
    await page.getByLabel('Email').fill(fresh.email);
    await page.getByLabel('Password').fill(fresh.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('radio', { name: /Authenticator app/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    const secret = (await page.getByLabel('Authenticator key', { exact: true }).inputValue()).replace(
      /\s/g,
      '',
    );
    await page.getByLabel('Code', { exact: true }).fill(await totpCode(secret, api));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await page.getByRole('button', { name: 'Skip for now' }).click();
    const tokens = await exchange(await callbackOf(reached), request);
    expect(tokens.claims()?.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(problems).toEqual([]);
    await context.close();
  });
});
