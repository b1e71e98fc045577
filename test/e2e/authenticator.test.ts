import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopServices, type DesktopServices } from '../../electron/services/desktop-services';
import { MemorySettingsStore } from '../../electron/services/settings';
import { startWebHost, type WebHost } from '../../electron/web-host/web-host';
import { fixtureDir } from '../fixtures/authenticator-interop/expected';
import { otplibCode, rewriteVaultEntries } from '../helpers/authenticator';
import { buildRenderer, launchChromium, seriousViolations } from '../helpers/browser';
import { MemorySecretStore } from '../helpers/desktop';

/**
 * The authenticator screen in Debian's Chromium through the web host, with the real desktop services
 * and no account API at all (the network is "off"): accounts added three ways — a pasted link, a QR
 * code image drawn with `qrcode`, typed by hand — show the codes otplib computes for the same secrets
 * at main's (fixed) time; copy, search, delete with confirmation, lock and import work by keyboard and
 * mouse; axe-core finds nothing serious; no secret is left in the page.
 */

const polling = { timeout: 10_000 };
/** One second into a 30 s period: 29 s to read each code before the page would show the next one. */
const mainTime = Date.UTC(2030, 0, 1, 12, 0, 1);

const linked = { issuer: 'GitHub', label: 'jane', secret: 'JBSWY3DPEHPK3PXP' };
const pictured = { issuer: 'Pictured', label: 'qr@example.com', secret: 'KRSXG5DJNZTSA4LSEBRW6ZDF' };
const typed = { issuer: 'Typed', label: 'by hand', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' };
const aegisSecrets = [
  '4SJHB4GSD43FZBAI7C2HLRJGPQ',
  'YOOMIXWS5GN6RTBPUFFWKTW5M4',
  'JRZCL47CMXVOQMNPZR2F7J4RGI',
];

let outDir: string;
let dataDir: string;
let browser: Browser;
let host: WebHost;
let services: DesktopServices;
const secrets = new MemorySecretStore();
/** Boeing's Steam Guard code at mainTime, computed outside this code base (Python's hmac). */
const boeingSteamCode = 'DBPNK';
/** A Steam secret typed by hand and its code at mainTime, computed the same way. */
const typedSteam = { secret: 'KRUGS4ZANFZSA43UMVQW2IDHOVQXEZA', code: '2GTJG' };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wem-auth-e2e-'));
  outDir = await buildRenderer();
  let emit: WebHost['emit'] = () => undefined;
  services = createDesktopServices({
    // Port 9 (discard) on loopback: nothing answers, like a computer with the network off.
    settings: new MemorySettingsStore({ serverUrl: 'http://127.0.0.1:9', language: 'en', theme: 'light' }),
    secrets,
    version: '0.1.0',
    deviceName: 'Test computer',
    dataDir,
    now: () => mainTime,
    timeoutMs: 1_000,
    onEvent: (event, payload) => emit(event, payload),
  });
  host = await startWebHost({ router: services.router, rendererDir: outDir });
  emit = (event, payload) => host.emit(event, payload);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  services?.dispose();
  for (const dir of [outDir, dataDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** axe passes, and the screen is photographed (kept in docs/ only with UPDATE_SCREENSHOTS=1). */
async function checked(page: Page, screenshot: string): Promise<void> {
  expect(await seriousViolations(page), screenshot).toEqual([]);
  const image = await page.screenshot({ fullPage: true });
  expect(image.length).toBeGreaterThan(1000);
  if (process.env.UPDATE_SCREENSHOTS === '1')
    writeFileSync(path.resolve('docs/screenshots', `${screenshot}.png`), image);
}

function entry(page: Page, issuer: string) {
  return page.getByRole('listitem').filter({ has: page.getByText(issuer, { exact: true }) });
}

/** The code an entry shows, digits only. */
async function codeOf(page: Page, issuer: string): Promise<string> {
  return (await entry(page, issuer).getByTestId('code').innerText()).replace(/\s/g, '');
}

describe('the authenticator screen in a browser', () => {
  it('adds accounts three ways and shows the codes any authenticator would', async () => {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      colorScheme: 'light',
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(host.url).origin,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(host.url);

    await page.getByRole('button', { name: 'Authenticator', exact: true }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 2, name: 'Authenticator' }).isVisible(), polling)
      .toBe(true);
    await expect.poll(() => page.getByText('No accounts yet.').isVisible(), polling).toBe(true);

    // 1. A pasted otpauth:// link.
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page
      .getByLabel('otpauth:// link')
      .fill(
        `otpauth://totp/${linked.issuer}:${linked.label}?secret=${linked.secret}&issuer=${linked.issuer}`,
      );
    await page.getByRole('button', { name: 'Add account' }).click();
    await expect.poll(() => page.getByText('1 account added.').isVisible(), polling).toBe(true);
    await expect.poll(() => entry(page, linked.issuer).count(), polling).toBe(1);

    // 2. A QR code image file, chosen with the file input (keyboard: arrow keys move between the tabs).
    await page.getByRole('tab', { name: 'Link' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'QR image' }).getAttribute('aria-selected')).toBe('true');
    const qr = await QRCode.toBuffer(
      `otpauth://totp/${pictured.issuer}:${encodeURIComponent(pictured.label)}?secret=${pictured.secret}&issuer=${pictured.issuer}&digits=8&algorithm=SHA256`,
      { type: 'png' },
    );
    await page
      .getByLabel('Image with a QR code')
      .setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: qr });
    await expect.poll(() => entry(page, pictured.issuer).count(), polling).toBe(1);

    // 3. Typed by hand, first with mistakes that are named next to their fields.
    await page.getByRole('tab', { name: 'By hand' }).click();
    await page.getByLabel('Secret key').fill('not base32!');
    await page.getByRole('button', { name: 'Add account' }).click();
    await expect.poll(() => page.getByText('Fill in the account name.').isVisible(), polling).toBe(true);
    expect(await page.getByText('The secret key is not valid').isVisible()).toBe(true);
    await page.getByLabel('Service').fill(typed.issuer);
    await page.getByLabel('Account name').fill(typed.label);
    await page.getByLabel('Secret key').fill(typed.secret.toLowerCase().replace(/(.{4})/g, '$1 '));
    // A period left blank is named by the form itself (the contract's rule), not sent as a stand-in.
    await page.getByLabel('New code every (seconds)').fill('');
    await page.getByRole('button', { name: 'Add account' }).click();
    await expect
      .poll(() => page.getByText('Use a whole number of seconds from 1 to 3600.').isVisible(), polling)
      .toBe(true);
    expect(await entry(page, typed.issuer).count()).toBe(0);
    await page.getByLabel('New code every (seconds)').fill('30');
    await page.getByRole('button', { name: 'Add account' }).click();
    await expect.poll(() => entry(page, typed.issuer).count(), polling).toBe(1);
    await checked(page, 'authenticator-add');

    expect(await codeOf(page, linked.issuer)).toBe(await otplibCode(linked.secret, mainTime));
    expect(await codeOf(page, typed.issuer)).toBe(await otplibCode(typed.secret, mainTime));
    expect(await codeOf(page, pictured.issuer)).toBe(
      await otplibCode(pictured.secret, mainTime, { digits: 8, algorithm: 'sha256' }),
    );
    expect(await entry(page, linked.issuer).getByTestId('next-code').innerText()).toBe(
      (await otplibCode(linked.secret, mainTime + 30_000)).replace(/^(\d{3})/, '$1 '),
    );
    expect(await entry(page, linked.issuer).getByRole('img').getAttribute('aria-label')).toMatch(
      /^(29|28|27) seconds left$/,
    );

    // Copy: the web host's page writes the clipboard itself (main has none here).
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: `Copy the code of ${linked.issuer} (${linked.label})` }).click();
    await expect
      .poll(() => entry(page, linked.issuer).getByRole('status').innerText(), polling)
      .toContain('Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(
      await otplibCode(linked.secret, mainTime),
    );

    // Search narrows the list.
    await page.getByLabel('Search').fill('git');
    await expect
      .poll(() => page.getByRole('list', { name: 'Your accounts' }).getByRole('listitem').count(), polling)
      .toBe(1);
    await page.getByLabel('Search').fill('');
    await checked(page, 'authenticator');

    // From 900 px the codes and the tools sit side by side (list and detail); below, one column.
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const codes = page.getByRole('list', { name: 'Your accounts' });
    const tools = page.getByRole('tab', { name: 'By hand' });
    const layout = async () => {
      const [list, panel] = [await codes.boundingBox(), await tools.boundingBox()];
      if (!list || !panel) return 'missing';
      return panel.x >= list.x + list.width
        ? 'side by side'
        : panel.y < list.y
          ? 'tools above codes'
          : 'other';
    };
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await layout()).toBe('side by side');
    await checked(page, 'layout-1280-authenticator');
    await page.setViewportSize({ width: 800, height: 800 });
    expect(await layout()).toBe('tools above codes');
    await checked(page, 'layout-800-authenticator');
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.getByRole('button', { name: 'Add', exact: true }).click();

    // Delete asks first; Cancel keeps the account, Delete removes it.
    await page.getByRole('button', { name: `Edit ${pictured.issuer} (${pictured.label})` }).click();
    await page.getByRole('button', { name: `Delete ${pictured.issuer} (${pictured.label})` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this account?' });
    await expect.poll(() => dialog.isVisible(), polling).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible(), polling).toBe(false);
    expect(await entry(page, pictured.issuer).count()).toBe(1);
    await page.getByRole('button', { name: `Delete ${pictured.issuer} (${pictured.label})` }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => entry(page, pictured.issuer).count(), polling).toBe(0);

    // Lock hides the codes until unlocked.
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await expect.poll(() => page.getByText('The authenticator is locked.').isVisible(), polling).toBe(true);
    expect(await page.getByTestId('code').count()).toBe(0);
    await checked(page, 'authenticator-locked');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => entry(page, linked.issuer).count(), polling).toBe(1);

    // Import brings every entry in, Steam's too, which shows Steam Guard's five characters.
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByLabel('File to import').setInputFiles(path.join(fixtureDir, 'aegis_plain.json'));
    await page.getByRole('button', { name: 'Import this file' }).click();
    await expect.poll(() => page.getByText('7 accounts added.').isVisible(), polling).toBe(true);
    await expect.poll(() => codeOf(page, 'Boeing'), polling).toBe(boeingSteamCode);

    // An encrypted backup: the panel names its format and asks for its password, takes a wrong one
    // without writing anything, and imports with the right one (all already listed: duplicates).
    await page.getByLabel('File to import').setInputFiles(path.join(fixtureDir, 'andotp_encrypted.bin'));
    await page.getByRole('button', { name: 'Import this file' }).click();
    const asked = page.getByText(/^This is an encrypted andOTP backup .*: enter its password/);
    await expect.poll(() => asked.isVisible(), polling).toBe(true);
    await checked(page, 'authenticator-import-password');
    await page.getByLabel('Password of the file', { exact: false }).fill('not the password');
    await page.getByRole('button', { name: 'Import this file' }).click();
    const wrong = page.getByText(/^This password does not open an encrypted andOTP backup/);
    await expect.poll(() => wrong.isVisible(), polling).toBe(true);
    await page.getByLabel('Password of the file', { exact: false }).fill('test');
    await page.getByRole('button', { name: 'Import this file' }).click();
    await expect
      .poll(() => page.getByText('7 were already in your list and were skipped:').isVisible(), polling)
      .toBe(true);

    // A file no app made: the banner says so and what to do.
    await page
      .getByLabel('File to import')
      .setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"a":1}') });
    await page.getByRole('button', { name: 'Import this file' }).click();
    await expect
      .poll(() => page.getByText(/^The app does not know this kind of file/).isVisible(), polling)
      .toBe(true);

    const html = await page.content();
    for (const secret of [linked.secret, pictured.secret, typed.secret, ...aegisSecrets])
      expect(html).not.toContain(secret);
    expect(html).not.toContain('otpauth://totp');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows an entry that makes no codes with a problem marker while the others keep theirs', async () => {
    // Bring one entry into the state an older version could leave behind: a secret it let in.
    await rewriteVaultEntries(dataDir, secrets, (entries) => {
      const github = entries.find((item) => item.issuer === linked.issuer);
      if (github) github.secret = 'JBSWY3DPE';
    });
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      colorScheme: 'light',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Authenticator', exact: true }).click();
    const marker = entry(page, linked.issuer).getByTestId('entry-problem');
    await expect.poll(() => marker.isVisible(), polling).toBe(true);
    expect(await marker.innerText()).toContain('This account makes no codes');
    expect(await entry(page, linked.issuer).getByTestId('code').count()).toBe(0);
    expect(await codeOf(page, 'Boeing')).toBe(boeingSteamCode);
    expect(await codeOf(page, 'Deno')).toBe(await otplibCode('4SJHB4GSD43FZBAI7C2HLRJGPQ', mainTime));
    await checked(page, 'authenticator-entry-problem');

    // A Steam Guard entry typed by hand: no algorithm, length or period to choose; Steam's code.
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('tab', { name: 'By hand' }).click();
    await page.getByLabel('Service').fill('Valve');
    await page.getByLabel('Account name').fill('gaben');
    await page.getByLabel('Secret key').fill(typedSteam.secret);
    await page.getByRole('radio', { name: 'Steam Guard' }).check();
    expect(await page.getByLabel('Algorithm').count()).toBe(0);
    await page.getByRole('button', { name: 'Add account' }).click();
    await expect.poll(() => entry(page, 'Valve').count(), polling).toBe(1);
    expect(await codeOf(page, 'Valve')).toBe(typedSteam.code);
    await context.close();
  });
});
