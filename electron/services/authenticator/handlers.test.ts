import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { clientErrorCodes, errorCodes } from '../../../common/contract/errors';
import type { AddReport, AuthenticatorState } from '../../../common/contract/ipc-authenticator';
import {
  authenticatorRig,
  expectNoSecret,
  MemoryClipboard,
  otplibCode,
  secretSpellings,
  settle,
  codeViewFields,
} from '../../../test/helpers/authenticator';
import {
  everyEntry as fixtureEntries,
  fixtureDir,
  readFixture as fixture,
  steam,
} from '../../../test/fixtures/authenticator-interop/expected';
import { MemorySecretStore } from '../../../test/helpers/desktop';
import { tempDirs } from '../../../test/helpers/temp-dirs';
import type { OtpAccount } from './account';
import type { AuthenticatorPlatform } from './capabilities';
import { folderSaveFile } from './folder-exports';
import { importAny } from './importers/detect';
import { AuthenticatorVault } from './vault';

const newDataDir = tempDirs('wem-auth-handlers-');

const github = {
  secret: 'JBSWY3DPEHPK3PXP',
  uri: 'otpauth://totp/GitHub:jane?secret=JBSWY3DPEHPK3PXP&issuer=GitHub',
};
const typed = { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', issuer: 'Typed', label: 'by hand' };
const pictured = {
  secret: 'KRSXG5DJNZTSA4LSEBRW6ZDF',
  uri: 'otpauth://totp/Pictured:qr%40example.com?secret=KRSXG5DJNZTSA4LSEBRW6ZDF&issuer=Pictured&digits=8&algorithm=SHA256',
};
const spellings = secretSpellings([
  github.secret,
  typed.secret,
  pictured.secret,
  'JRZCL47CMXVOQMNPZR2F7J4RGI',
  ...fixtureEntries.map((entry) => entry.secret),
]);

async function rig(
  options: { platform?: AuthenticatorPlatform; dataDir?: string; secrets?: MemorySecretStore } = {},
) {
  return authenticatorRig({ dataDir: options.dataDir ?? (await newDataDir()), spellings, ...options });
}

function names(state: AuthenticatorState): string[] {
  return state.locked ? [] : state.entries.map((entry) => `${entry.issuer}/${entry.label}`);
}

describe('the local authenticator through the IPC router', () => {
  it('adds entries from a pasted URI, typed fields and a QR image, and shows their codes', async () => {
    const r = await rig();
    expect(await r.value('authenticator.list')).toMatchObject({ locked: false, entries: [] });

    const byUri = await r.value('authenticator.addUri', { uri: `  ${github.uri}\n` });
    expect(byUri).toMatchObject({
      added: [{ issuer: 'GitHub', label: 'jane' }],
      duplicates: [],
      cancelled: false,
    });
    await r.value('authenticator.addManual', { ...typed, secret: 'gezd gnbv gy3t qojq gezd gnbv gy3t qojq' });
    const png = await QRCode.toBuffer(pictured.uri, { type: 'png' });
    const byImage = await r.value('authenticator.addFromImage', { image: png.toString('base64') });
    expect(byImage.added).toEqual([{ id: expect.any(String), issuer: 'Pictured', label: 'qr@example.com' }]);

    const state = await r.value('authenticator.list');
    if (state.locked) throw new Error('locked');
    const now = r.time.now();
    expect(state.entries).toEqual([
      {
        id: byUri.added[0]?.id,
        issuer: 'GitHub',
        label: 'jane',
        type: 'totp',
        digits: 6,
        period: 30,
        code: await otplibCode(github.secret, now),
        nextCode: await otplibCode(github.secret, now + 30_000),
        secondsLeft: 20,
        problem: null,
      },
      expect.objectContaining({ issuer: 'Typed', code: await otplibCode(typed.secret, now) }),
      expect.objectContaining({
        issuer: 'Pictured',
        digits: 8,
        code: await otplibCode(pictured.secret, now, { digits: 8, algorithm: 'sha256' }),
      }),
    ]);
    expect(state.capabilities).toEqual({
      scanScreen: false,
      pickImage: false,
      readClipboardImage: false,
      copy: false,
      saveFile: false,
    });
  });

  it('names every bad typed field at once, refuses what is not an authenticator code, and adds nothing', async () => {
    const r = await rig();
    const typedBadly = await r.send('authenticator.addManual', {
      issuer: 'x'.repeat(300),
      label: ' ',
      secret: 'not base32!',
      algorithm: 'MD5',
      digits: 9,
      period: 0,
    });
    expect(typedBadly).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_otpauth',
        fields: {
          issuer: 'invalid_issuer',
          label: 'missing_label',
          secret: 'invalid_secret',
          algorithm: 'invalid_algorithm',
          digits: 'invalid_digits',
          period: 'invalid_period',
        },
      },
    });
    expect(
      await r.send('authenticator.addUri', { uri: 'otpauth://yandex/Yandex:me?secret=JBSWY3DPEHPK3PXP' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_otpauth', reasons: ['unsupported_type'] },
    });
    expect(await r.errorOf('authenticator.addUri', { uri: 'https://example.com' })).toBe('invalid_otpauth');
    const website = await QRCode.toBuffer('https://wem.io', { type: 'png' });
    expect(await r.errorOf('authenticator.addFromImage', { image: website.toString('base64') })).toBe(
      'not_authenticator_qr',
    );
    const blank = new PNG({ width: 40, height: 40 });
    blank.data.fill(255);
    expect(
      await r.errorOf('authenticator.addFromImage', { image: PNG.sync.write(blank).toString('base64') }),
    ).toBe('no_qr_code');
    expect(
      await r.errorOf('authenticator.addFromImage', { image: Buffer.from('GIF89a').toString('base64') }),
    ).toBe('unreadable_image');
    expect(names(await r.value('authenticator.list'))).toEqual([]);
  });

  it('skips an entry that makes the same codes as one in the list and names it', async () => {
    const r = await rig();
    await r.value('authenticator.addUri', { uri: github.uri });
    const again = await r.value('authenticator.addManual', {
      issuer: 'Other name',
      label: 'same secret',
      secret: github.secret,
    });
    expect(again).toMatchObject({ added: [], duplicates: [{ issuer: 'Other name', label: 'same secret' }] });
    expect(names(await r.value('authenticator.list'))).toEqual(['GitHub/jane']);
  });

  it('renames, reorders and deletes entries, and keeps them across a restart', async () => {
    const dataDir = await newDataDir();
    const secrets = new MemorySecretStore();
    const r = await rig({ dataDir, secrets });
    const [a, b, c] = (
      await r.value('authenticator.addUri', {
        uri: [github.uri, pictured.uri, `otpauth://totp/Third:t?secret=${typed.secret}`].join('\n'),
      })
    ).added;
    await r.value('authenticator.rename', { id: a?.id, issuer: 'GitHub (work)', label: 'jane.doe' });
    expect(await r.send('authenticator.rename', { id: b?.id, label: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_otpauth', reasons: ['missing_label'] },
    });
    expect(names(await r.value('authenticator.reorder', { ids: [c?.id, a?.id, b?.id] }))).toEqual([
      'Third/t',
      'GitHub (work)/jane.doe',
      'Pictured/qr@example.com',
    ]);
    expect(await r.errorOf('authenticator.reorder', { ids: [c?.id, a?.id] })).toBe('validation_failed');
    expect(names(await r.value('authenticator.delete', { id: c?.id }))).toEqual([
      'GitHub (work)/jane.doe',
      'Pictured/qr@example.com',
    ]);
    expect(await r.errorOf('authenticator.delete', { id: c?.id })).toBe('not_found');
    r.authenticator.dispose();

    const restarted = await rig({ dataDir, secrets });
    expect(names(await restarted.value('authenticator.list'))).toEqual([
      'GitHub (work)/jane.doe',
      'Pictured/qr@example.com',
    ]);
  });

  it('moves an HOTP counter on only when asked, and keeps it', async () => {
    const dataDir = await newDataDir();
    const secrets = new MemorySecretStore();
    const r = await rig({ dataDir, secrets });
    const hotp = 'otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0';
    const [entry] = (await r.value('authenticator.addUri', { uri: hotp })).added;
    // RFC 4226 Appendix D: counter 0 -> 755224, 1 -> 287082, 2 -> 359152.
    const state = await r.value('authenticator.list');
    expect(state.locked ? undefined : state.entries[0]).toMatchObject({
      code: '755224',
      nextCode: null,
      secondsLeft: null,
    });
    expect(await r.value('authenticator.nextHotpCode', { id: entry?.id })).toMatchObject({ code: '287082' });
    expect(await r.value('authenticator.nextHotpCode', { id: entry?.id })).toMatchObject({ code: '359152' });
    r.authenticator.dispose();
    const restarted = await rig({ dataDir, secrets });
    const after = await restarted.value('authenticator.list');
    expect(after.locked ? undefined : after.entries[0]?.code).toBe('359152');
    const [totp] = (await restarted.value('authenticator.addUri', { uri: github.uri })).added;
    expect(await restarted.errorOf('authenticator.nextHotpCode', { id: totp?.id })).toBe('validation_failed');
  });

  it('pushes fresh codes at each period boundary of every entry, with one timer for all', async () => {
    const r = await rig();
    await r.value('authenticator.import', { content: await fixture('aegis_plain.json') });
    await r.value('authenticator.list');
    expect(r.time.waiting).toBe(1);
    const seen: number[] = [];
    const before = r.events.length;
    // From 12:00:10 UTC: the 20 s entry rolls over at :20 and :40, the 30 s one at :30, the 50 s one at :50.
    for (const step of [10_100, 10_000, 20_000]) {
      await r.time.advance(step);
      seen.push(r.events.length - before);
      expect(r.time.waiting).toBe(1);
    }
    expect(seen).toEqual([1, 2, 4]);
    const codes = r.lastCodes();
    if (!codes || codes.locked) throw new Error('no codes');
    const spdx = codes.entries.find((entry) => entry.issuer === 'SPDX');
    expect(spdx).toMatchObject({
      code: await otplibCode('5OM4WOOGPLQEF6UGN3CPEOOLWU', r.time.now(), {
        period: 20,
        digits: 7,
        algorithm: 'sha256',
      }),
      secondsLeft: 10,
    });
    expect(Object.keys(codes.entries[0] ?? {}).sort()).toEqual(codeViewFields);
  });

  it('imports every fixture of another app exactly, Steam included, and skips what is already there', async () => {
    const cases: [
      file: string,
      password: string | undefined,
      expected: OtpAccount[],
      unsupported: unknown[],
    ][] = [
      ['aegis_plain.json', undefined, fixtureEntries, []],
      ['aegis_encrypted.json', 'test', fixtureEntries, []],
      [
        '2fas_authenticator_plain_v4.2fas',
        undefined,
        [fixtureEntries[0], fixtureEntries[3], fixtureEntries[4], fixtureEntries[5], steam] as OtpAccount[],
        [],
      ],
      ['plain.txt', undefined, fixtureEntries, []],
    ];
    for (const [file, password, expected, unsupported] of cases) {
      const dataDir = await newDataDir();
      const secrets = new MemorySecretStore();
      const r = await rig({ dataDir, secrets });
      const content = await fixture(file);
      const report = await r.value('authenticator.import', { content, ...(password ? { password } : {}) });
      expect(report, file).toMatchObject({ duplicates: [], errors: [], unsupported });
      expect(
        report.added.map((entry) => entry.issuer),
        file,
      ).toEqual(expected.map((entry) => entry.issuer));
      const stored = await new AuthenticatorVault({ dataDir, secrets }).list();
      expect(
        stored.map(({ id: _id, order: _order, ...account }) => account),
        file,
      ).toEqual(expected);
      const twice = await r.value('authenticator.import', { content, ...(password ? { password } : {}) });
      expect(twice.added, file).toEqual([]);
      expect(twice.duplicates, file).toHaveLength(expected.length);
    }
  });

  it('changes nothing when an import has a wrong password or a damaged file', async () => {
    const r = await rig();
    await r.value('authenticator.addUri', { uri: github.uri });
    const encrypted = await fixture('aegis_encrypted.json');
    expect(await r.errorOf('authenticator.import', { content: encrypted, password: 'wrong' })).toBe(
      'wrong_password',
    );
    expect(await r.errorOf('authenticator.import', { content: encrypted })).toBe('password_required');
    expect(await r.errorOf('authenticator.import', { content: encrypted.slice(0, 500) })).toBe(
      'damaged_file',
    );
    expect(await r.errorOf('authenticator.import', { content: 'hello' })).toBe('damaged_file');
    expect(names(await r.value('authenticator.list'))).toEqual(['GitHub/jane']);
  });

  it('exports an encrypted backup to a file, never to the page, that imports back to the same entries', async () => {
    const folder = await newDataDir();
    const source = await rig({ platform: { saveFile: folderSaveFile(folder) } });
    await source.value('authenticator.import', { content: await fixture('aegis_plain.json') });
    await source.value('authenticator.addUri', { uri: github.uri });
    expect(await source.send('authenticator.exportBackup', { password: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', fields: { password: 'too_short' } },
    });
    const exported = await source.value('authenticator.exportBackup', { password: 'correct horse battery' });
    expect(exported).toEqual({ saved: true, fileName: 'wem-authenticator-2030-01-01.wemauth' });
    const file = path.join(folder, exported.fileName);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const backup = { content: await readFile(file, 'utf8') };
    // A second export the same day is a second file, not an overwrite.
    await source.value('authenticator.exportBackup', { password: 'correct horse battery' });
    expect(await readdir(folder)).toEqual(
      expect.arrayContaining([
        'wem-authenticator-2030-01-01.wemauth',
        'wem-authenticator-2030-01-01 (2).wemauth',
      ]),
    );
    // Without a place to write it (no save dialog, no folder), nothing is exported at all.
    expect(
      await (await rig()).errorOf('authenticator.exportBackup', { password: 'correct horse battery' }),
    ).toBe('capability_unavailable');

    const dataDir = await newDataDir();
    const secrets = new MemorySecretStore();
    const target = await rig({ dataDir, secrets });
    expect(
      await target.errorOf('authenticator.import', {
        content: backup.content,
        password: 'wrong horse battery',
      }),
    ).toBe('wrong_password');
    const report = await target.value('authenticator.import', {
      content: backup.content,
      password: 'correct horse battery',
    });
    expect(report.added).toHaveLength(8);
    const stored = await new AuthenticatorVault({ dataDir, secrets }).list();
    expect(stored.map(({ id: _id, order: _order, ...account }) => account)).toEqual([
      ...fixtureEntries,
      {
        type: 'totp',
        issuer: 'GitHub',
        label: 'jane',
        secret: github.secret,
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      },
    ]);
  });

  it('writes exports through main’s save dialog, and the URI list only with an acknowledgement', async () => {
    const saved: { name: string; content: string }[] = [];
    const platform: AuthenticatorPlatform = {
      saveFile: async (name, content) => {
        saved.push({ name, content });
        return true;
      },
    };
    const r = await rig({ platform });
    await r.value('authenticator.import', { content: await fixture('aegis_plain.json') });
    expect(await r.value('authenticator.exportBackup', { password: 'correct horse battery' })).toEqual({
      fileName: 'wem-authenticator-2030-01-01.wemauth',
      saved: true,
    });
    expect(await r.send('authenticator.exportUriList', { acknowledgeUnencrypted: false })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', fields: { acknowledgeUnencrypted: 'must_accept' } },
    });
    expect(await r.value('authenticator.exportUriList', { acknowledgeUnencrypted: true })).toEqual({
      fileName: 'wem-authenticator-2030-01-01.txt',
      saved: true,
    });
    expect(saved.map((file) => file.name)).toEqual([
      'wem-authenticator-2030-01-01.wemauth',
      'wem-authenticator-2030-01-01.txt',
    ]);
    expect((await importAny(saved[1]?.content ?? '')).entries).toEqual(fixtureEntries);
    expect((await importAny(saved[0]?.content ?? '', 'correct horse battery')).entries).toEqual(
      fixtureEntries,
    );

    const webHost = await rig();
    expect(await webHost.errorOf('authenticator.exportUriList', { acknowledgeUnencrypted: true })).toBe(
      'capability_unavailable',
    );
  });

  it('locks and unlocks with a click, and shows nothing while locked', async () => {
    const r = await rig();
    const [entry] = (await r.value('authenticator.addUri', { uri: github.uri })).added;
    const locked = await r.value('authenticator.lock');
    expect(locked).toEqual({
      locked: true,
      lock: { hasPassword: false, idleMinutes: 5 },
      capabilities: expect.any(Object),
    });
    expect(r.lastCodes()).toEqual({ locked: true });
    expect(await r.value('authenticator.list')).toMatchObject({ locked: true });
    for (const [channel, payload] of [
      ['authenticator.addUri', { uri: pictured.uri }],
      ['authenticator.rename', { id: entry?.id, label: 'x' }],
      ['authenticator.delete', { id: entry?.id }],
      ['authenticator.exportBackup', { password: 'correct horse battery' }],
      ['authenticator.import', { content: await fixture('plain.txt') }],
      ['authenticator.setPassword', { password: 'new password here' }],
    ] as const)
      expect(await r.errorOf(channel, payload), channel).toBe('authenticator_locked');
    expect(names(await r.value('authenticator.unlock', {}))).toEqual(['GitHub/jane']);
    expect(r.lastCodes()).toMatchObject({ locked: false });
  });

  it('unlocks with the app password once one is set, throttles wrong ones, and starts locked', async () => {
    const dataDir = await newDataDir();
    const secrets = new MemorySecretStore();
    const r = await rig({ dataDir, secrets });
    await r.value('authenticator.addUri', { uri: github.uri });
    expect(await r.send('authenticator.setPassword', { password: 'short' })).toMatchObject({
      ok: false,
      error: { fields: { password: 'too_short' } },
    });
    await r.value('authenticator.setPassword', { password: 'lantern harbour' });
    expect(await r.send('authenticator.setPassword', { password: null })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', fields: { current: 'required' } },
    });
    const lockFile = await readFile(path.join(dataDir, 'authenticator-lock.json'), 'utf8');
    expect(lockFile).toContain('"kdf":"scrypt"');
    expect(lockFile).not.toContain('lantern');
    r.authenticator.dispose();

    const restarted = await rig({ dataDir, secrets });
    expect(await restarted.value('authenticator.list')).toMatchObject({
      locked: true,
      lock: { hasPassword: true },
    });
    expect(await restarted.errorOf('authenticator.unlock', {})).toBe('validation_failed');
    for (const left of [4, 3, 2, 1])
      expect(await restarted.send('authenticator.unlock', { password: 'lantern harbor' })).toMatchObject({
        ok: false,
        error: { code: 'wrong_lock_password', attemptsLeft: left },
      });
    expect(await restarted.send('authenticator.unlock', { password: 'lantern harbor' })).toMatchObject({
      ok: false,
      error: { code: 'wrong_lock_password', retryAfterSeconds: 30 },
    });
    // Even the right password waits its turn.
    expect(await restarted.send('authenticator.unlock', { password: 'lantern harbour' })).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', retryAfterSeconds: 30 },
    });
    await restarted.time.advance(30_000);
    expect(names(await restarted.value('authenticator.unlock', { password: 'lantern harbour' }))).toEqual([
      'GitHub/jane',
    ]);
    await restarted.value('authenticator.setPassword', { current: 'lantern harbour', password: null });
    await restarted.value('authenticator.lock');
    expect(await restarted.value('authenticator.unlock', {})).toMatchObject({ locked: false });
  });

  it('locks itself after the idle minutes without activity, and activity postpones it', async () => {
    const r = await rig();
    await r.value('authenticator.addUri', { uri: github.uri });
    await r.time.advance(4 * 60_000);
    await r.value('authenticator.list');
    await r.time.advance(4 * 60_000);
    expect(r.lastCodes()).toMatchObject({ locked: false });
    await r.time.advance(60_000 + 1);
    expect(r.lastCodes()).toEqual({ locked: true });
    expect(await r.value('authenticator.unlock', {})).toMatchObject({
      locked: false,
      lock: { idleMinutes: 5 },
    });
    expect(await r.value('authenticator.setIdleMinutes', { minutes: 1 })).toMatchObject({
      lock: { idleMinutes: 1 },
    });
    await r.time.advance(60_000 + 1);
    expect(r.lastCodes()).toEqual({ locked: true });
    expect(await r.errorOf('authenticator.setIdleMinutes', { minutes: 0 })).toBe('validation_failed');
  });

  it('copies a code to the clipboard and clears it after 30 s only if it still holds that code', async () => {
    const clipboard = new MemoryClipboard();
    const r = await rig({ platform: { clipboard } });
    const [entry] = (await r.value('authenticator.addUri', { uri: github.uri })).added;
    expect(await r.value('authenticator.copy', { id: entry?.id })).toEqual({ clearAfterSeconds: 30 });
    expect(clipboard.text).toBe(await otplibCode(github.secret, r.time.now()));
    await r.time.advance(29_000);
    expect(clipboard.text).toMatch(/^\d{6}$/);
    await r.time.advance(1_000);
    expect(clipboard.text).toBe('');

    await r.value('authenticator.copy', { id: entry?.id });
    await clipboard.writeText('something the user copied later');
    await r.time.advance(30_000);
    expect(clipboard.text).toBe('something the user copied later');

    await r.value('authenticator.copy', { id: entry?.id });
    r.authenticator.dispose();
    await settle();
    expect(clipboard.text).toBe('');
    expect(await (await rig()).errorOf('authenticator.copy', { id: entry?.id })).toBe(
      'capability_unavailable',
    );
  });

  it('adds from the screen, a picked file and the clipboard where main can, and says so where it cannot', async () => {
    const qr = PNG.sync.read(await QRCode.toBuffer(pictured.uri, { type: 'png' }));
    const blank = { width: 20, height: 20, data: new Uint8Array(20 * 20 * 4).fill(255) };
    const blankPng = new PNG({ width: 20, height: 20 });
    blankPng.data.fill(255);
    let picked: Uint8Array | undefined = await QRCode.toBuffer(github.uri, { type: 'png' });
    const platform: AuthenticatorPlatform = {
      captureScreens: async () => [blank, { width: qr.width, height: qr.height, data: qr.data }],
      pickImage: async () => picked,
      readClipboardImage: async () => undefined,
    };
    const r = await rig({ platform });
    expect((await r.value('authenticator.scanScreen')).added).toMatchObject([{ issuer: 'Pictured' }]);
    expect((await r.value('authenticator.pickImage')).added).toMatchObject([{ issuer: 'GitHub' }]);
    picked = undefined;
    expect(await r.value('authenticator.pickImage')).toMatchObject({ added: [], cancelled: true });
    expect(await r.errorOf('authenticator.readClipboardImage')).toBe('no_clipboard_image');
    platform.readClipboardImage = async () => PNG.sync.write(blankPng);
    expect(await r.errorOf('authenticator.readClipboardImage')).toBe('no_qr_code');

    const plain = await rig();
    for (const channel of [
      'authenticator.scanScreen',
      'authenticator.pickImage',
      'authenticator.readClipboardImage',
    ] as const)
      expect(await plain.errorOf(channel), channel).toBe('capability_unavailable');
  });

  it('answers any image the page sends with a contract code and never adds from a broken one', async () => {
    const r = await rig();
    const codes = new Set<string>([...errorCodes, ...clientErrorCodes]);
    const png = await QRCode.toBuffer(github.uri, { type: 'png' });
    const image = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 1024 }).map((bytes) => Buffer.from(bytes).toString('base64')),
      fc
        .array(fc.tuple(fc.nat(png.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        })
        .map((changes) => {
          const copy = Buffer.from(png);
          for (const [at, value] of changes) copy[at] = value;
          return copy.toString('base64');
        }),
    );
    await fc.assert(
      fc.asyncProperty(image, async (input) => {
        const reply = await r.router.dispatch('authenticator.addFromImage', { image: input });
        if (reply.ok)
          expect((reply.value as AddReport).added.length + (reply.value as AddReport).duplicates.length).toBe(
            1,
          );
        else expect(codes.has(reply.error.code), reply.error.code).toBe(true);
      }),
      { numRuns: 150, seed: 6_2025 },
    );
    const state = await r.value('authenticator.list');
    expect(names(state).every((name) => name === 'GitHub/jane')).toBe(true);
  });

  it('never hands the page a secret: every reply and event of these flows was checked', async () => {
    const r = await rig({ platform: { clipboard: new MemoryClipboard(), saveFile: async () => true } });
    await r.value('authenticator.import', {
      content: await fixture('aegis_encrypted.json'),
      password: 'test',
    });
    // Every other app's export, as the panel sends it (bytes), and its refusals without a password.
    for (const [file, password] of [
      ['2fas_authenticator_encrypted_v4.2fas', 'test'],
      ['andotp_encrypted.bin', 'test'],
      ['freeotp_v2_api34.xml', 'test'],
      ['freeotp.xml', undefined],
      ['freeotp_plus.json', undefined],
      ['bitwarden.csv', undefined],
      ['stratum_encrypted_legacy.bin', 'test'],
      ['proton_authenticator.json', undefined],
      ['steam.json', undefined],
    ] as const) {
      const content = (await readFile(path.join(fixtureDir, file))).toString('base64');
      await r.send('authenticator.import', { content, encoding: 'base64' });
      await r.value('authenticator.import', {
        content,
        encoding: 'base64',
        ...(password ? { password } : {}),
      });
    }
    await r.value('authenticator.addUri', { uri: github.uri });
    await r.value('authenticator.exportBackup', { password: 'correct horse battery' });
    await r.value('authenticator.exportUriList', { acknowledgeUnencrypted: true });
    await r.time.advance(60_000);
    expect(r.replies.length).toBeGreaterThanOrEqual(4);
    expect(r.events.length).toBeGreaterThanOrEqual(3);
    // The check itself can fail: a secret in any spelling is caught.
    const [deno] = fixtureEntries;
    expect(() => expectNoSecret({ deep: [{ v: `…${deno?.secret}…` }] }, spellings, 'x')).toThrow();
    expect(() => expectNoSecret('data:otpauth://totp/a', spellings, 'x')).toThrow();
  });
});
