import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageOf } from '../../common/contract/errors';
import type { AppStatus } from '../../common/contract/ipc';
import { DesktopError } from '../../electron/services/desktop-error';
import { startWebHost, type WebHost } from '../../electron/web-host/web-host';
import { buildRenderer, launchChromium } from '../helpers/browser';
import { fakeRouter, type FakeRouter } from '../helpers/fake-router';

/**
 * The built renderer in the system's Chromium, through the web host, against a fake router: the
 * page finds its way to main with the token from the fragment, shows the status, signs in, and
 * keeps nothing in web storage.
 */

const email = 'jane@example.net';
const password = 'violet harbour lantern';

let outDir: string;
let browser: Browser;
let host: WebHost;
let fake: FakeRouter;
let signedIn = false;
const polling = { timeout: 5_000 };

beforeAll(async () => {
  outDir = await buildRenderer();
  fake = fakeRouter({
    'app.status': async (): Promise<AppStatus> => ({
      version: '0.1.0',
      serverUrl: 'http://127.0.0.1:4300',
      online: true,
      signedIn,
      scope: signedIn ? 'full' : null,
      email: signedIn ? email : null,
    }),
    'login.start': async (request) => {
      if (request.password !== password) throw new DesktopError('invalid_credentials');
      signedIn = true;
      return { state: 'authenticated', trustedComputer: false };
    },
  });
  host = await startWebHost({ router: fake.router, rendererDir: outDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

async function openApp(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  page.setDefaultTimeout(5_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text()))
      problems.push(message.text());
  });
  await page.goto(host.url);
  return { page, problems };
}

async function storedKeys(page: Page): Promise<{ local: number; session: number; cookies: string }> {
  // A string: this file is type-checked for Node, without the DOM's globals.
  return page.evaluate(
    '({ local: localStorage.length, session: sessionStorage.length, cookies: document.cookie })',
  );
}

describe('the renderer in Chromium through the web host', () => {
  it('shows the app status, refuses a wrong password by its message, then signs in', async () => {
    const { page, problems } = await openApp();
    const status = page.getByRole('region', { name: 'Status' });
    await expect.poll(() => status.innerText(), polling).toContain('http://127.0.0.1:4300');
    expect(await status.innerText()).toContain('Online');
    expect(await status.innerText()).toContain('Not signed in');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('WEM Account');

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').innerText(), polling)
      .toBe(messageOf('invalid_credentials'));

    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => status.innerText(), polling).toContain(`Signed in as ${email}`);
    expect(fake.calls.filter((call) => call.channel === 'login.start')).toEqual([
      { channel: 'login.start', request: { email, password: 'not the password' } },
      { channel: 'login.start', request: { email, password } },
    ]);

    host.emit('connectivity', { online: false });
    await expect.poll(() => status.innerText(), polling).toContain('Offline');

    expect(await storedKeys(page)).toEqual({ local: 0, session: 0, cookies: '' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('takes the token out of the address bar as soon as the page has read it', async () => {
    const { page } = await openApp();
    await expect
      .poll(() => page.getByRole('region', { name: 'Status' }).innerText(), polling)
      .toContain('Version 0.1.0');
    expect(page.url()).toBe(`http://127.0.0.1:${host.port}/`);
    expect(await storedKeys(page)).toEqual({ local: 0, session: 0, cookies: '' });
    await page.close();
  });

  it('gets no answer from main when the page is opened without the token', async () => {
    const callsBefore = fake.calls.length;
    const page = await browser.newPage();
    page.setDefaultTimeout(5_000);
    await page.goto(`http://127.0.0.1:${host.port}/`);
    await expect.poll(() => page.getByRole('alert').innerText(), polling).toBe(messageOf('forbidden_sender'));
    expect(fake.calls.length).toBe(callsBefore);
    await page.close();
  });
});
