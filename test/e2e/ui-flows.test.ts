import { rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopServices, type DesktopServices } from '../../electron/services/desktop-services';
import { MemorySettingsStore } from '../../electron/services/settings';
import { startWebHost, type WebHost } from '../../electron/web-host/web-host';
import { buildRenderer, launchChromium, seriousViolations } from '../helpers/browser';
import { listeningApi, MemorySecretStore, recordingProxy } from '../helpers/desktop';
import { uniqueEmail, type TestApi } from '../helpers/harness';
import { accountWithTotp, lastCodeMailedTo, totpCode } from '../helpers/mfa';
import { SmsInbox, uniqueMobile } from '../helpers/mfa-factors';
import { modeler } from '../helpers/portal-browser';
import { linkIn } from '../helpers/smtp-peer';

/**
 * The real UI in Debian's Chromium through the web host, with the real desktop services talking HTTP
 * to a real account API and its SMTP peer: sign up, activate with the link from the mail, sign in and
 * land on MFA setup. Every screen passes axe-core without serious or critical violations, and is
 * photographed for docs/screenshots.
 */

const polling = { timeout: 10_000 };

let outDir: string;
let browser: Browser;
let host: WebHost;
let services: DesktopServices;
let api: TestApi & { url: string };
// What outlives a restart of the app: its settings file and the OS keychain.
const settings = new MemorySettingsStore({ language: 'en', theme: 'light' });
const secrets = new MemorySecretStore();
// The test's phone: the texts the API sends.
const phone = new SmsInbox();
// The system browser as main would call it: the addresses "Open Modeler" handed to it.
const openedExternally: string[] = [];

/** Main's services and the web host, as one start of the app makes them. */
async function launch(): Promise<void> {
  let emit: WebHost['emit'] = () => undefined;
  services = createDesktopServices({
    settings,
    secrets,
    version: '0.1.0',
    deviceName: 'Test computer',
    onEvent: (event, payload) => emit(event, payload),
    openExternal: async (url) => {
      openedExternally.push(url);
    },
  });
  host = await startWebHost({ router: services.router, rendererDir: outDir });
  emit = (event, payload) => host.emit(event, payload);
}

/** Quit and start again: the session (memory only) is gone, the keychain and settings remain. */
async function relaunch(): Promise<void> {
  await host.close();
  services.dispose();
  await launch();
}

async function openApp(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 820 }, colorScheme: 'light' });
  page.setDefaultTimeout(10_000);
  await page.goto(host.url);
  return page;
}

beforeAll(async () => {
  outDir = await buildRenderer();
  // Not the defaults: the screens must say what this server says (GET /v1/info), not what the app assumes.
  api = await listeningApi({
    smsProvider: phone,
    env: { ACTIVATION_LINK_TTL: '36h', SUPPORT_EMAIL: 'help@example.org' },
  });
  settings.update({ serverUrl: api.url });
  await launch();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  services?.dispose();
  await api?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** The step is showing (its heading has the focus), passes axe, and is photographed. */
async function reached(page: Page, heading: string, screenshot: string | undefined): Promise<void> {
  const title = page.getByRole('heading', { level: 2, name: heading });
  await expect.poll(() => title.isVisible(), polling).toBe(true);
  await expect.poll(() => page.evaluate('document.activeElement?.textContent'), polling).toBe(heading);
  expect(await seriousViolations(page), heading).toEqual([]);
  // Every run takes the picture (a broken screen fails here too); only UPDATE_SCREENSHOTS=1 replaces
  // the ones in docs/, so a test run leaves the work tree as it was.
  const image = await page.screenshot();
  expect(image.length).toBeGreaterThan(1000);
  // A screen some other test photographs already is passed without a name.
  if (process.env.UPDATE_SCREENSHOTS === '1' && screenshot)
    writeFileSync(path.resolve('docs/screenshots', `${screenshot}.png`), image);
}

describe('the desktop UI against a real account API', () => {
  it('takes a new user from signup through MFA setup, trusted sign-in, factor removal and a reset request', async () => {
    // Client and server clocks agree, as they do with NTP; the test moves the server's for TOTP steps.
    api.clock.set(Date.now());
    let page = await openApp();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    await reached(page, 'Sign in', 'sign-in');
    await page.getByRole('button', { name: 'Create an account' }).click();

    await reached(page, 'Create your WEM account', 'signup');
    const email = uniqueEmail('ui');
    const password = 'violet harbour lantern';
    await page.getByLabel('First name').fill('Jane');
    await page.getByLabel('Last name').fill('Doe');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('jane1234');
    await expect
      .poll(() => page.getByText('Leave your name and email').first().isVisible(), polling)
      .toBe(true);
    await page.getByRole('button', { name: 'Create account' }).click();
    // Refused before anything is created: the unticked terms and the weak password, each next to its field.
    await expect.poll(() => page.getByText('Accept the terms to continue.').isVisible(), polling).toBe(true);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('I accept the terms').check();
    await page.getByRole('button', { name: 'Create account' }).click();

    await reached(page, 'Check your mail', 'check-mail');
    expect(await page.getByText('junk or spam folder').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: /Send again in \d+ s/ }).isDisabled()).toBe(true);
    const [mail] = await api.mailsTo(email);
    expect(mail).toBeDefined();
    const link = linkIn(mail!);
    await page.getByRole('button', { name: 'Paste the link from the mail' }).click();

    await reached(page, 'Activate your account', 'activation');
    await page.getByLabel('Activation link or code').fill(link);
    await page.getByRole('button', { name: 'Activate' }).click();
    await reached(page, 'Your account is active', 'activated');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await reached(page, 'Sign in', 'sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').innerText(), polling)
      .toBe('The email address or password is not correct.');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // First MFA setup: the authenticator app, with the code computed from the key on the screen.
    await reached(page, 'Set up multi-factor authentication', 'setup-mfa');
    // The aim is said from the first screen on, not only after the first factor.
    expect(await page.getByText('Set up at least 2 of the 3').isVisible()).toBe(true);
    await expect
      .poll(() => page.getByRole('region', { name: 'Status' }).innerText(), polling)
      .toContain(`Signed in as ${email}`);
    host.emit('connectivity', { online: false });
    await expect.poll(() => page.getByText('You are offline.').isVisible(), polling).toBe(true);
    expect(await page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
    host.emit('connectivity', { online: true });
    await page.getByRole('radio', { name: /Authenticator app/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await reached(page, 'Set up an authenticator app', 'setup-totp');
    expect(await page.getByRole('img', { name: /QR code/ }).isVisible()).toBe(true);
    const key = (await page.getByLabel('Authenticator key', { exact: true }).inputValue()).replace(/\s/g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel('Code', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await expect.poll(() => page.getByText('This code is not correct.').isVisible(), polling).toBe(true);
    await page.getByLabel('Code', { exact: true }).fill(await totpCode(key, api));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();

    // The second factor is urged: an email code, to the account's own address.
    await reached(page, 'Add a second factor', 'setup-second');
    expect(await page.getByText('Authenticator app is set up.').isVisible()).toBe(true);
    await page.getByRole('radio', { name: /Code by email/ }).check();
    await page.getByRole('button', { name: 'Add this factor' }).click();
    await reached(page, 'Set up codes by email', 'setup-email');
    expect(await page.getByLabel('Email address for codes').inputValue()).toBe(email);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await expect.poll(() => page.getByText(/We sent a code to/).isVisible(), polling).toBe(true);
    await page.getByLabel('Code', { exact: true }).fill(await lastCodeMailedTo(api, email));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();

    await reached(page, 'Your factors are set up', 'setup-done');
    // Adding the third is offered, but "Go to My details" is the one primary button.
    expect(await page.getByRole('button', { name: 'Add this factor' }).getAttribute('class')).toContain(
      'button-secondary',
    );
    expect(await page.getByRole('radio', { name: /Code by SMS/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Add this factor' }).click();
    await reached(page, 'Set up codes by SMS', 'setup-sms');
    const mobile = uniqueMobile();
    await page.getByLabel('Mobile number').fill(mobile);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await expect.poll(() => page.getByText(/We sent a code to/).isVisible(), polling).toBe(true);
    await page.getByLabel('Code', { exact: true }).fill(await phone.lastCodeTo(api, mobile));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await reached(page, 'Your factors are set up', 'setup-all');
    // All three kinds set up: nothing preselected, so no one-click duplicate beside "Go to My details".
    expect(await page.getByRole('radio', { checked: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add this factor' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Go to My details' }).getAttribute('class')).toContain(
      'button-primary',
    );
    await page.getByRole('button', { name: 'Make recovery codes' }).click();
    await reached(page, 'Your recovery codes', 'recovery-codes');
    const codes = await page
      .getByRole('list', { name: 'Recovery codes' })
      .getByRole('listitem')
      .allInnerTexts();
    expect(codes).toHaveLength(10);
    expect(await page.getByRole('button', { name: 'Done' }).isDisabled()).toBe(true);
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await reached(page, 'Your factors are set up', 'setup-done');
    await page.getByRole('button', { name: 'Go to My details' }).click();

    await reached(page, 'My details', 'my-details');
    await expect.poll(() => page.getByText('Jane Doe').isVisible(), polling).toBe(true);
    const factors = page.getByRole('region', { name: 'My details' });
    expect(await factors.getByText('Authenticator app').isVisible()).toBe(true);
    expect(await factors.getByText(/^Email to /).isVisible()).toBe(true);

    // Sign out, then sign in with the emailed code and trust this computer.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await reached(page, 'Sign in', 'sign-in');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await reached(page, 'Confirm it is you', 'mfa-choose');
    await page.getByRole('radio', { name: /^Email to / }).check();
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await reached(page, 'Enter your code', 'mfa-code');
    await page.getByLabel('Code', { exact: true }).fill(await lastCodeMailedTo(api, email));
    await page.getByLabel('Trust this computer (skip MFA for a week)').check();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await reached(page, 'My details', 'my-details');
    await expect.poll(() => page.getByText('This computer', { exact: true }).isVisible(), polling).toBe(true);

    // Restart the app: the keychain still trusts this computer, so no code is asked.
    await page.close();
    await relaunch();
    page = await openApp();
    page.on('pageerror', (error) => problems.push(error.message));
    await reached(page, 'Sign in', 'sign-in');
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await reached(page, 'My details', 'my-details-trusted');

    // Changing factors after a trusted sign-in asks for a factor first (step-up), with no "Loading…"
    // or "Manage MFA" heading flashing before it.
    await page.evaluate(`(() => {
      window.shown = [];
      const note = () => {
        const seen = [document.querySelector('h2')?.textContent ?? '', document.body.innerText.includes('Loading') ? 'Loading' : ''];
        for (const text of seen) if (text && window.shown.at(-1) !== text) window.shown.push(text);
      };
      new MutationObserver(note).observe(document.body, { childList: true, subtree: true, characterData: true });
    })()`);
    await page.getByRole('button', { name: 'Manage MFA' }).click();
    await reached(page, 'Confirm it is you', 'manage-step-up');
    const shown = (await page.evaluate('window.shown')) as string[];
    expect(shown.filter((text) => text !== 'My details')).toEqual(['Confirm it is you']);
    // Says what the code is for, and what happens next with the chosen factor.
    expect(await page.getByText('before changing your factors').isVisible()).toBe(true);
    expect(await page.getByText('sign-in code').count()).toBe(0);
    await page.getByRole('radio', { name: 'Authenticator app' }).check();
    expect(await page.getByRole('button', { name: 'Enter the code from your app' }).isVisible()).toBe(true);
    await page.getByRole('radio', { name: /^Email to / }).check();
    expect(await page.getByRole('button', { name: 'Send me a code' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Back' }).click();
    await reached(page, 'My details', 'my-details-trusted');

    // An explicit sign-out forgets this computer: MFA is asked again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await reached(page, 'Sign in', 'sign-in');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await reached(page, 'Confirm it is you', 'mfa-choose');
    await page.getByRole('radio', { name: 'Authenticator app' }).check();
    // Nothing is sent for the authenticator app: the button says so.
    expect(await page.getByRole('button', { name: 'Send me a code' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Enter the code from your app' }).click();
    await reached(page, 'Enter your code', 'mfa-code-totp');
    api.clock.advance(30_000); // the enrollment used this step; a code is good once
    await page.getByLabel('Code', { exact: true }).fill(await totpCode(key, api));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await reached(page, 'My details', 'my-details');

    // Remove factors down to the last one, which is refused with the reason.
    await page.getByRole('button', { name: 'Manage MFA' }).click();
    await reached(page, 'Manage MFA', 'manage-mfa');
    await page.getByRole('button', { name: 'Remove Authenticator app' }).click();
    await page
      .getByRole('group', { name: 'Remove Authenticator app?' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await expect.poll(() => page.getByText('Authenticator app was removed.').isVisible(), polling).toBe(true);
    await page.getByRole('button', { name: /^Remove SMS to / }).click();
    // One message at a time: the earlier "… was removed." goes with the next attempt.
    expect(await page.getByText('Authenticator app was removed.').count()).toBe(0);
    await page
      .getByRole('group', { name: /^Remove SMS to .*\?$/ })
      .getByRole('button', { name: 'Remove' })
      .click();
    await expect.poll(() => page.getByText(/^SMS to .* was removed\.$/).isVisible(), polling).toBe(true);
    // The last factor: its Remove is disabled, the reason beside it before anyone confirms.
    const lastRemove = page.getByRole('button', { name: /^Remove Email to / });
    await expect.poll(() => lastRemove.isDisabled(), polling).toBe(true);
    expect(await lastRemove.getAttribute('aria-describedby')).toBeTruthy();
    const reason = page.getByText('This is your last factor, so it cannot be removed.', { exact: false });
    expect(await reason.isVisible()).toBe(true);
    expect(await page.getByRole('group', { name: /^Remove Email to .*\?$/ }).count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.UPDATE_SCREENSHOTS === '1')
      writeFileSync(path.resolve('docs/screenshots', 'manage-last-factor.png'), await page.screenshot());
    await page.getByRole('button', { name: 'Back to My details' }).click();
    await reached(page, 'My details', 'my-details');

    // Every factor lost: ask support for an MFA reset from the sign-in's factor step.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await reached(page, 'Sign in', 'sign-in');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await reached(page, 'Confirm it is you', 'mfa-choose');
    await page.getByRole('button', { name: "Can't use any of these?" }).click();
    await reached(page, 'Ask to reset your MFA', 'mfa-reset');
    await page.getByLabel('What happened?').fill('My laptop was stolen and my mailbox is closed.');
    await page.getByRole('button', { name: 'Send the request' }).click();
    await reached(page, 'Request sent', 'mfa-reset-sent');
    const requests = await api.db.selectFrom('mfa_reset_requests').select(['status']).execute();
    expect(requests.map((row) => row.status)).toContain('pending');

    // Settings: Dutch and dark apply at once.
    await page.getByRole('button', { name: 'Settings' }).click();
    await reached(page, 'Settings', 'settings');
    await page.getByLabel('Appearance').selectOption('dark');
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme'), polling).toBe('dark');
    // The page (emulating a light OS) really turns dark: the dark palette's background.
    const background = 'getComputedStyle(document.documentElement).backgroundColor';
    await expect.poll(() => page.evaluate(background), polling).toBe('rgb(15, 20, 34)');
    await page.getByLabel('Language').selectOption('nl');
    await expect
      .poll(() => page.getByRole('heading', { level: 2, name: 'Instellingen' }).isVisible(), polling)
      .toBe(true);
    await page.getByLabel('Taal').selectOption('en');
    await page.getByLabel('Appearance').selectOption('light');
    await expect.poll(() => page.evaluate(background), polling).toBe('rgb(244, 246, 251)');

    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it('signs in with the keyboard alone, focus following each step', async () => {
    await relaunch();
    const account = await accountWithTotp(api);
    settings.update({ lastEmail: null });
    const page = await openApp();
    await reached(page, 'Sign in', 'sign-in');
    const focused = () =>
      page.evaluate(
        'document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.labels?.[0]?.textContent ?? document.activeElement?.textContent',
      );

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Email');
    await page.keyboard.type(account.email);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Password');
    await page.keyboard.type(account.password);
    await page.keyboard.press('Enter');

    await reached(page, 'Confirm it is you', 'mfa-choose');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Authenticator app');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Enter the code from your app');
    await page.keyboard.press('Enter');

    await reached(page, 'Enter your code', 'mfa-code-totp');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Code');
    await page.keyboard.type(await totpCode(account.totpSecret, api));
    await page.keyboard.press('Enter');
    await reached(page, 'My details', 'my-details');
    await page.close();
  });

  it('offers a way back to sign in from the factor choice, the mail step and an expired link', async () => {
    await relaunch();
    api.clock.set(Date.now());
    const account = await accountWithTotp(api);
    settings.update({ lastEmail: null });
    const page = await openApp();
    await reached(page, 'Sign in', 'sign-in');
    const signInUntilFactors = async () => {
      await page.getByLabel('Email').fill(account.email);
      await page.getByLabel('Password').fill(account.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await reached(page, 'Confirm it is you', 'mfa-choose');
    };

    // Main forgot the login the user left: its factor can no longer be asked for.
    const loginForgotten = async () =>
      expect
        .poll(async () => {
          const reply = await services.router.dispatch('login.challenge', { factorId: account.totpFactorId });
          return reply.ok ? 'still in progress' : reply.error.code;
        }, polling)
        .toBe('no_login_in_progress');

    // The factor choice: a link back, and the Account tab itself, leave for the sign-in form.
    await signInUntilFactors();
    await page.getByRole('button', { name: 'Back to sign in' }).click();
    await reached(page, 'Sign in', 'sign-in');
    await loginForgotten();
    await signInUntilFactors();
    await page.getByRole('button', { name: 'Account', exact: true }).click();
    await reached(page, 'Sign in', 'sign-in');
    await loginForgotten();
    // Another tab keeps the step: the code may have to be read in the authenticator.
    await signInUntilFactors();
    await page.getByRole('button', { name: 'Authenticator', exact: true }).click();
    await page.getByRole('button', { name: 'Account', exact: true }).click();
    await reached(page, 'Confirm it is you', 'mfa-choose');
    await page.getByRole('button', { name: 'Back to sign in' }).click();
    await reached(page, 'Sign in', 'sign-in');

    // "Check your mail" after signing up.
    await page.getByRole('button', { name: 'Create an account' }).click();
    await reached(page, 'Create your WEM account', 'signup');
    const email = uniqueEmail('ui-back');
    await page.getByLabel('First name').fill('Jan');
    await page.getByLabel('Last name').fill('Jansen');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('quiet orchard window');
    await page.getByLabel('I accept the terms').check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await reached(page, 'Check your mail', 'check-mail');
    await expect.poll(() => page.getByText('Open it within 36 hours').isVisible(), polling).toBe(true);
    await page.getByRole('button', { name: 'Back to sign in' }).click();
    await reached(page, 'Sign in', 'sign-in');

    // "This link has expired": the link opened after its lifetime, which the server says.
    const [mail] = await api.mailsTo(email);
    const token = new URL(linkIn(mail!)).searchParams.get('token') ?? '';
    api.clock.advance(37 * 60 * 60 * 1000);
    host.emit('deepLink', { kind: 'activate', token });
    await reached(page, 'This link has expired', 'activation-expired');
    expect(await page.getByText('Activation links work for 36 hours.').isVisible()).toBe(true);
    // Support is an address to write to, and a new link goes to the address the app knows.
    const support = page.getByRole('link', { name: 'help@example.org' });
    expect(await support.getAttribute('href')).toBe('mailto:help@example.org');
    expect(await page.getByLabel('Your email address').inputValue()).toBe(email);
    api.clock.set(Date.now());
    await page.getByRole('button', { name: 'Back to sign in' }).click();
    await reached(page, 'Sign in', 'sign-in');
    await page.close();
  });

  it('tells a user who opens an already used link that the account is active', async () => {
    await relaunch();
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    const email = uniqueEmail('ui-used');
    const signup = await services.router.dispatch('signup.create', {
      firstName: 'Jan',
      lastName: 'Jansen',
      email,
      password: 'quiet orchard window',
      acceptTerms: true,
    });
    expect(signup.ok).toBe(true);
    const [mail] = await api.mailsTo(email);
    const link = linkIn(mail!);
    expect((await services.router.dispatch('activation.activate', { input: link })).ok).toBe(true);

    await page.goto(host.url);
    await reached(page, 'Sign in', 'sign-in');
    host.emit('deepLink', { kind: 'activate', token: new URL(link).searchParams.get('token') ?? '' });
    await reached(page, 'Your account is already active', 'activation-used');
    await page.close();
  });
  it('asks the mailbox owner to choose the password when someone else signed up with the address first', async () => {
    await relaunch();
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    const email = uniqueEmail('ui-contested');
    const body = { firstName: 'Jan', lastName: 'Jansen', email, acceptTerms: true };
    expect(
      (await services.router.dispatch('signup.create', { ...body, password: 'someone else chose this' })).ok,
    ).toBe(true);
    expect(
      (await services.router.dispatch('signup.create', { ...body, password: 'quiet orchard window' })).ok,
    ).toBe(true);
    // This address's live link: earlier tests in this file leave live links of their own accounts.
    const live = await api.db
      .selectFrom('activation_links')
      .innerJoin('accounts', 'accounts.id', 'activation_links.account_id')
      .select('activation_links.id')
      .where('accounts.email', '=', email)
      .where('activation_links.superseded_at', 'is', null)
      .executeTakeFirstOrThrow();
    const token = (await api.mailsTo(email))
      .map((mail) => new URL(linkIn(mail)).searchParams.get('token') ?? '')
      .find((candidate) => candidate.startsWith(`${live.id}.`))!;

    await page.goto(host.url);
    await reached(page, 'Sign in', 'sign-in');
    host.emit('deepLink', { kind: 'activate', token });
    await reached(page, 'Choose your password', 'activation-choose-password');
    await page.getByLabel('New password').fill('password');
    await page.getByRole('button', { name: 'Activate with this password' }).click();
    await expect
      .poll(
        () => page.getByText('one of the first that attackers try', { exact: false }).first().isVisible(),
        polling,
      )
      .toBe(true);
    // The server's reason is said once: under the field, not again in the strength line.
    expect(await page.getByText('one of the first that attackers try', { exact: false }).count()).toBe(1);
    await page.getByLabel('New password').fill('lantern harbour violet 42');
    await page.getByRole('button', { name: 'Activate with this password' }).click();
    await reached(page, 'Your account is active', 'activation-done');
    const signIn = await services.router.dispatch('login.start', {
      email,
      password: 'lantern harbour violet 42',
    });
    expect(signIn.ok).toBe(true);
    const other = await services.router.dispatch('login.start', {
      email,
      password: 'someone else chose this',
    });
    expect(other.ok).toBe(false);
    await page.close();
  });

  it('uses a wide window for two columns and a narrow one for one, the authenticator key always whole', async () => {
    await relaunch();
    api.clock.set(Date.now());
    const account = await api.activeAccount();
    settings.update({ lastEmail: null });
    // The window as Electron first opens it (electron/main/window.ts).
    const page = await browser.newPage({ viewport: { width: 1040, height: 760 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    await page.goto(host.url);
    await reached(page, 'Sign in', undefined);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await reached(page, 'Set up multi-factor authentication', undefined);
    const pageScrolls = () =>
      page.evaluate('document.documentElement.scrollHeight > window.innerHeight + 1') as Promise<boolean>;
    // The set-up steps fit the window as Electron opens it: nothing to scroll for.
    expect(await pageScrolls()).toBe(false);
    await page.getByRole('radio', { name: /Authenticator app/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await reached(page, 'Set up an authenticator app', undefined);

    const keyField = page.getByLabel('Authenticator key', { exact: true });
    // Evaluated as text: the test's own TypeScript knows no DOM.
    const keyFits = () =>
      page.evaluate(`(() => {
        const field = document.querySelector('textarea.secret-key');
        const box = field.getBoundingClientRect();
        return {
          clipped: field.scrollWidth > field.clientWidth || field.scrollHeight > field.clientHeight,
          inWindow: box.top >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth,
          groups: field.value.split(' ').length,
        };
      })()`) as Promise<{ clipped: boolean; inWindow: boolean; groups: number }>;
    // The whole key is on the screen as it opens: nothing cut at the field's edge, no scrolling.
    expect(await keyFits()).toEqual({ clipped: false, inWindow: true, groups: 8 });
    expect(await pageScrolls()).toBe(false);

    const qr = page.getByRole('img', { name: /QR code/ });
    const code = page.getByLabel('Code', { exact: true });
    const beside = async () => {
      const [a, b] = [await qr.boundingBox(), await code.boundingBox()];
      return a !== null && b !== null && b.x >= a.x + a.width && b.y < a.y + a.height;
    };
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await beside()).toBe(true);
    expect(await keyFits()).toEqual({ clipped: false, inWindow: true, groups: 8 });
    expect(await pageScrolls()).toBe(false);
    await reached(page, 'Set up an authenticator app', 'layout-1280-setup-totp');
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await beside()).toBe(false);
    expect((await keyFits()).clipped).toBe(false);
    await reached(page, 'Set up an authenticator app', 'layout-800-setup-totp');

    const key = (await keyField.inputValue()).replace(/\s/g, '');
    await code.fill(await totpCode(key, api));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await page.setViewportSize({ width: 1040, height: 760 });
    await reached(page, 'Add a second factor', undefined);
    expect(await pageScrolls()).toBe(false);
    await page.getByRole('button', { name: 'Skip for now' }).click();
    await reached(page, 'My details', undefined);
    await expect
      .poll(() => page.getByText(account.email, { exact: true }).first().isVisible(), polling)
      .toBe(true);

    // My details: the profile and factors beside the trusted computers from 900 px, below them under it.
    const factorsHeading = page.getByRole('heading', { name: 'Sign-in factors' });
    const devicesHeading = page.getByRole('heading', { name: 'Trusted computers' });
    const columns = async () => {
      const [a, b] = [await factorsHeading.boundingBox(), await devicesHeading.boundingBox()];
      if (!a || !b) return 'missing';
      return b.x > a.x + a.width ? 'side by side' : b.y > a.y ? 'one column' : 'other';
    };
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await columns()).toBe('side by side');
    expect(await pageScrolls()).toBe(false);
    await reached(page, 'My details', 'layout-1280-my-details');
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await columns()).toBe('one column');
    await reached(page, 'My details', 'layout-800-my-details');
    await page.close();
  });

  it('shows My details from earlier in the session when the server cannot be reached', async () => {
    const proxy = await recordingProxy(api.url);
    settings.update({ serverUrl: proxy.url });
    await relaunch();
    const account = await accountWithTotp(api);
    expect(
      await services.router.dispatch('login.start', { email: account.email, password: account.password }),
    ).toMatchObject({ ok: true, value: { state: 'mfa_required' } });
    const verified = await services.router.dispatch('login.verify', {
      factorId: account.totpFactorId,
      code: await totpCode(account.totpSecret, api),
      trustDevice: false,
    });
    expect(verified.ok).toBe(true);
    const online = await openApp();
    await reached(online, 'My details', 'my-details');
    await expect.poll(() => online.getByText(account.email, { exact: true }).isVisible(), polling).toBe(true);
    await online.close();

    // The window opened again while the server is unreachable.
    await proxy.close();
    const page = await openApp();
    await reached(page, 'My details', 'my-details-offline');
    await expect
      .poll(() => page.getByText(/^Offline: these are your details as they were at/).isVisible(), polling)
      .toBe(true);
    expect(await page.getByText(account.email, { exact: true }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('You are offline.').isVisible(), polling).toBe(true);
    expect(await page.getByRole('button', { name: 'Manage MFA' }).isDisabled()).toBe(true);
    expect(await page.getByText('Needs a connection to the server.').isVisible()).toBe(true);
    await page.close();
    settings.update({ serverUrl: api.url });
  });

  it('opens Modeler and MyWEM from My details, the one-time address staying in main', async () => {
    await api.api.clients.add({ ...modeler, name: 'Modeler' });
    await api.api.clients.add({
      ...modeler,
      id: 'mywem',
      name: 'MyWEM',
      redirectUris: ['https://my.example.test/callback'],
      launchUrl: 'https://my.example.test/',
    });
    await relaunch();
    api.clock.set(Date.now());
    const account = await accountWithTotp(api);
    await services.router.dispatch('login.start', { email: account.email, password: account.password });
    const verified = await services.router.dispatch('login.verify', {
      factorId: account.totpFactorId,
      code: await totpCode(account.totpSecret, api),
      trustDevice: false,
    });
    expect(verified.ok).toBe(true);

    const page = await browser.newPage({ viewport: { width: 1100, height: 820 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    // Everything main sends the page, to prove the ticket is not among it.
    const frames: string[] = [];
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => frames.push(String(payload))),
    );
    await page.goto(host.url);
    await expect
      .poll(() => page.getByRole('button', { name: 'Open Modeler' }).isVisible(), polling)
      .toBe(true);
    expect(await page.getByRole('button', { name: 'Open MyWEM' }).isVisible()).toBe(true);
    await reached(page, 'My details', 'my-details');

    await page.getByRole('button', { name: 'Open MyWEM' }).click();
    await expect
      .poll(() => page.getByText('MyWEM is opening in your web browser.').isVisible(), polling)
      .toBe(true);
    expect(openedExternally).toHaveLength(1);
    const opened = new URL(openedExternally[0]!);
    expect(opened.pathname).toBe('/portal/handoff');
    expect(opened.searchParams.get('client')).toBe('mywem');
    const ticket = opened.searchParams.get('ticket')!;
    expect(ticket.length).toBeGreaterThan(40);
    const shown = await page.content();
    for (const secret of [ticket, ticket.split('.')[1]!, openedExternally[0]!]) {
      expect(shown).not.toContain(secret);
      expect(frames.join('\n')).not.toContain(secret);
    }

    // Removed by an operator since the page was opened: said plainly, and the button goes.
    await api.api.clients.remove('wem-modeler');
    await page.getByRole('button', { name: 'Open Modeler' }).click();
    await expect
      .poll(() => page.getByText('Modeler is no longer available to open from here.').isVisible(), polling)
      .toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Open Modeler' }).count(), polling).toBe(0);
    expect(openedExternally).toHaveLength(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
    await api.api.clients.remove('mywem');
  });
});
