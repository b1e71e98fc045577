import { rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopServices, type DesktopServices } from '../../electron/services/desktop-services';
import { MemorySettingsStore } from '../../electron/services/settings';
import { startWebHost, type WebHost } from '../../electron/web-host/web-host';
import { buildRenderer, launchChromium, seriousViolations } from '../helpers/browser';
import { listeningApi, MemorySecretStore } from '../helpers/desktop';
import { uniqueEmail, type TestApi } from '../helpers/harness';
import { meStatus } from '../helpers/lifecycle';
import { accountWithTotp, totpCode, type EnrolledAccount } from '../helpers/mfa';
import { linkIn } from '../helpers/smtp-peer';

/**
 * Issue 16 in the real UI (Debian's Chromium through the web host, the real desktop services, a real
 * account API and its SMTP peer): forgot password with the mailed link and a factor, editing the
 * profile, changing the password and the address, deleting the account. Every screen passes axe-core
 * and is photographed for docs/screenshots (UPDATE_SCREENSHOTS=1 only).
 */

// Generous: the whole suite runs beside this file on two cores, and every sign-in hashes a password.
const polling = { timeout: 20_000 };
const newPassword = 'copper lagoon whistle';

let outDir: string;
let browser: Browser;
let host: WebHost;
let services: DesktopServices;
let api: TestApi & { url: string };
const settings = new MemorySettingsStore({ language: 'en', theme: 'light' });
const secrets = new MemorySecretStore();

async function launch(): Promise<void> {
  let emit: WebHost['emit'] = () => undefined;
  services = createDesktopServices({
    settings,
    secrets,
    version: '0.1.0',
    deviceName: 'Test computer',
    onEvent: (event, payload) => emit(event, payload),
  });
  host = await startWebHost({ router: services.router, rendererDir: outDir });
  emit = (event, payload) => host.emit(event, payload);
}

async function relaunch(): Promise<void> {
  await host.close();
  services.dispose();
  await launch();
}

async function openApp(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 820 }, colorScheme: 'light' });
  page.setDefaultTimeout(20_000);
  await page.goto(host.url);
  return page;
}

beforeAll(async () => {
  outDir = await buildRenderer();
  api = await listeningApi();
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
  await photographed(page, heading, screenshot);
}

/** The page as it stands passes axe and is photographed (a form being filled in keeps its focus). */
async function photographed(page: Page, what: string, screenshot: string | undefined): Promise<void> {
  expect(await seriousViolations(page), what).toEqual([]);
  const image = await page.screenshot();
  expect(image.length).toBeGreaterThan(1000);
  if (process.env.UPDATE_SCREENSHOTS === '1' && screenshot)
    writeFileSync(path.resolve('docs/screenshots', `${screenshot}.png`), image);
}

async function visible(page: Page, text: string | RegExp): Promise<void> {
  await expect.poll(() => page.getByText(text).first().isVisible(), polling).toBe(true);
}

/** The newest link of `action` (reset-password, confirm-email) mailed to an address. */
async function newestLink(address: string, action: string): Promise<string> {
  const mail = (await api.mailsTo(address)).filter((m) => m.text.includes(`/${action}?token=`)).at(-1);
  if (!mail) throw new Error(`no ${action} mail to ${address}`);
  return linkIn(mail, new RegExp(`https?://\\S+/${action}\\?token=\\S+`));
}

/** Password and authenticator code through the sign-in screens, to My details. */
async function signIn(page: Page, email: string, password: string, account: EnrolledAccount) {
  await expect
    .poll(() => page.getByRole('heading', { level: 2, name: 'Sign in' }).isVisible(), polling)
    .toBe(true);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await reached(page, 'Confirm it is you', undefined);
  await page.getByRole('button', { name: 'Enter the code from your app' }).click();
  await reached(page, 'Enter your code', undefined);
  api.clock.advance(30_000);
  await page.getByRole('textbox', { name: 'Code' }).fill(await totpCode(account.totpSecret, api));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await reached(page, 'My details', undefined);
}

describe('the account lifecycle in the desktop UI against a real account API', () => {
  it('gets a user who forgot the password back in only with the mailed link and a factor', async () => {
    api.clock.set(Date.now());
    await relaunch();
    const account = await accountWithTotp(api);
    expect(await meStatus(api, account.token)).toBe(200);
    const page = await openApp();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    await reached(page, 'Sign in', undefined);
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await reached(page, 'Forgot your password?', 'forgot-password');
    await page.getByRole('button', { name: 'Back to sign in' }).click();
    await reached(page, 'Sign in', undefined);
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await reached(page, 'Forgot your password?', undefined);
    await page.getByLabel('Email address').fill(account.email);
    await page.getByRole('button', { name: 'Send me a link' }).click();

    await reached(page, 'Check your mail', 'reset-check-mail');
    await visible(page, `If ${account.email} belongs to a WEM account`);
    const link = await newestLink(account.email, 'reset-password');
    await page.getByLabel('Reset link from the mail').fill(link);
    await page.getByRole('button', { name: 'Continue' }).click();

    await reached(page, 'Prove it is you', 'reset-factor');
    await page.getByRole('button', { name: 'Enter the code from your app' }).click();
    await reached(page, 'Enter the code', 'reset-factor-code');
    await page.getByRole('textbox', { name: 'Code' }).fill('000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await visible(page, 'This code is not correct.');
    await page.getByRole('textbox', { name: 'Code' }).fill(await totpCode(account.totpSecret, api));
    await page.getByRole('button', { name: 'Confirm' }).click();

    await reached(page, 'Choose a new password', 'reset-new-password');
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Set the new password' }).click();

    await reached(page, 'Sign in', 'sign-in-password-reset');
    await visible(page, 'Your password was changed. You were signed out everywhere.');
    // The session the account had elsewhere is dead, and the old password with it.
    expect(await meStatus(api, account.token)).toBe(401);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page, 'The email address or password is not correct.');
    await signIn(page, account.email, newPassword, account);
    // The link was used: opening it again says so, with a way to ask for a new one.
    host.emit('deepLink', { kind: 'reset-password', token: new URL(link).searchParams.get('token') ?? '' });
    await reached(page, 'Open your reset link', undefined);
    await visible(page, 'This password reset link has already been used.');
    expect(await page.getByRole('button', { name: 'Ask for a new link' }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('stops a reset after five wrong codes and offers a new link, which starts over', async () => {
    api.clock.set(Date.now());
    await relaunch();
    const account = await accountWithTotp(api);
    const page = await openApp();
    await reached(page, 'Sign in', undefined);
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await reached(page, 'Forgot your password?', undefined);
    await page.getByLabel('Email address').fill(account.email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await reached(page, 'Check your mail', undefined);
    // The link arrives as a deep link this time (wem-account://reset-password?token=).
    const link = await newestLink(account.email, 'reset-password');
    host.emit('deepLink', { kind: 'reset-password', token: new URL(link).searchParams.get('token') ?? '' });
    await reached(page, 'Prove it is you', undefined);
    await page.getByRole('button', { name: 'Enter the code from your app' }).click();
    await reached(page, 'Enter the code', undefined);
    // The login's attempt cap holds for a reset's factor step (docs/api.md "Account lifecycle").
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await page.getByRole('textbox', { name: 'Code' }).fill(`00000${attempt}`);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await visible(page, new RegExp(`This code is not correct\\. ${4 - attempt} attempts? left`));
    }
    await page.getByRole('textbox', { name: 'Code' }).fill('000009');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await visible(page, 'Too many wrong codes for this link. Ask for a new link and try again.');
    await photographed(page, 'too many codes', 'reset-too-many-codes');
    await page.getByRole('button', { name: 'Ask for a new link' }).click();
    await reached(page, 'Forgot your password?', undefined);
    await page.close();
  }, 60_000);

  it('edits the profile inline, changes the password and then the address with the mailed link', async () => {
    api.clock.set(Date.now());
    await relaunch();
    const account = await accountWithTotp(api);
    const page = await openApp();
    await signIn(page, account.email, account.password, account);

    await page.getByRole('button', { name: 'Edit details' }).click();
    // The form takes the place of the details it edits.
    await expect.poll(() => page.getByText('Jane Doe').isVisible(), polling).toBe(false);
    await page.getByLabel('First name').fill('Janet');
    await page.getByLabel('Company (optional)').fill('Acme');
    await page.getByLabel('Language').selectOption('nl');
    await photographed(page, 'editing My details', 'my-details-edit');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page, 'Your details were saved.');
    await visible(page, 'Janet Doe');
    await visible(page, 'Nederlands');

    await page.getByRole('button', { name: 'Change password' }).click();
    await reached(page, 'Change password', 'change-password');
    await visible(page, /^Other computers will be signed out and forgotten/);
    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await visible(page, 'The email address or password is not correct.');
    await page.getByLabel('Current password').fill(account.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await reached(page, 'Password changed', undefined);
    // The other session ended; this one goes on.
    expect(await meStatus(api, account.token)).toBe(401);
    await page.getByRole('button', { name: 'Back to My details' }).click();
    await reached(page, 'My details', undefined);

    const newEmail = uniqueEmail('moved');
    await page.getByRole('button', { name: 'Change email address' }).click();
    await reached(page, 'Change email address', 'change-email');
    await visible(page, /^We mail a link to the new address/);
    await page.getByLabel('New email address').fill(newEmail);
    await page.getByLabel('Your password').fill(newPassword);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await reached(page, 'Check the new mailbox', 'change-email-sent');
    const link = await newestLink(newEmail, 'confirm-email');
    await page.getByRole('button', { name: 'Paste the link from the mail' }).click();
    await reached(page, 'Confirm your new address', 'confirm-email');
    await page.getByLabel('Confirmation link or code').fill(link);
    await page.getByRole('button', { name: 'Confirm the address' }).click();
    await reached(page, 'Email address changed', 'email-changed');
    await visible(page, `Your email address is now ${newEmail}.`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await reached(page, 'My details', undefined);
    await visible(page, `You are signed in as ${newEmail}.`);
    await page.close();
  }, 60_000);

  it('deletes the account after the step-up, the password and a typed confirmation; the address is free again', async () => {
    api.clock.set(Date.now());
    await relaunch();
    const account = await accountWithTotp(api);
    const page = await openApp();
    await signIn(page, account.email, account.password, account);
    // The server's privileged window has passed although this computer's clock says otherwise.
    api.clock.advance(11 * 60_000);

    await page.getByRole('button', { name: 'Delete account' }).click();
    await reached(page, 'Delete account', 'delete-account');
    await visible(page, `Deleting the account of ${account.email} cannot be undone.`);
    await page.getByLabel('Your password').fill(account.password);
    const remove = page.getByRole('button', { name: 'Delete my account' });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel('Type DELETE to confirm').fill('delete');
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel('Type DELETE to confirm').fill('DELETE');
    await remove.click();

    await reached(page, 'Confirm it is you', 'delete-account-step-up');
    await page.getByRole('button', { name: 'Enter the code from your app' }).click();
    api.clock.advance(30_000);
    await page.getByRole('textbox', { name: 'Code' }).fill(await totpCode(account.totpSecret, api));
    await page.getByRole('button', { name: 'Confirm' }).click();

    await reached(page, 'Delete account', undefined);
    await page.getByLabel('Your password').fill(account.password);
    await page.getByLabel('Type DELETE to confirm').fill(account.email.toUpperCase());
    await page.getByRole('button', { name: 'Delete my account' }).click();

    await reached(page, 'Sign in', 'sign-in-account-deleted');
    await visible(page, 'Your account was deleted.');
    expect(await meStatus(api, account.token)).toBe(401);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page, 'The email address or password is not correct.');
    expect((await api.signup({ email: account.email })).email).toBe(account.email);
    await page.close();
  }, 60_000);
});
