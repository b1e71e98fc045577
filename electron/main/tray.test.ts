import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';

const fake = await vi.hoisted(async () => {
  const helpers = await import('../../test/helpers/fake-electron');
  const base = helpers.fakeElectron();
  const trays: FakeTray[] = [];
  class FakeTray extends helpers.Emitter {
    menu: { template: MenuItemConstructorOptions[] } | undefined;
    tooltip = '';
    destroyed = false;
    constructor(readonly image: unknown) {
      super();
      trays.push(this);
    }
    setContextMenu(menu: { template: MenuItemConstructorOptions[] }) {
      this.menu = menu;
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  const tray = {
    Tray: FakeTray,
    Menu: { buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }) },
    nativeImage: { createFromPath: (file: string) => ({ file }) },
  };
  return { ...base, ...tray, default: { ...base.default, ...tray }, trays };
});
vi.mock('electron', () => fake);

const { AuthenticatorTray, trayLanguage, trayMenuTemplate } = await import('./tray');
const { authenticatorRig, MemoryClipboard, otplibCode, secretSpellings } =
  await import('../../test/helpers/authenticator');
const { tempDirs } = await import('../../test/helpers/temp-dirs');

const newDataDir = tempDirs('wem-tray-');
const github = 'otpauth://totp/GitHub:jane?secret=JBSWY3DPEHPK3PXP&issuer=GitHub';
const bank = 'otpauth://hotp/Bank?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0';

function labels(template: MenuItemConstructorOptions[]): (string | undefined)[] {
  return template.map((item) => (item.type === 'separator' ? '---' : item.label));
}

function click(item: MenuItemConstructorOptions | undefined): void {
  (item?.click as (() => void) | undefined)?.();
}

const noActions = { copy: () => {}, open: () => {}, lock: () => {}, quit: () => {} };

describe('the tray menu', () => {
  it('lists every account with its current code, and a click copies it for 30 seconds', async () => {
    const clipboard = new MemoryClipboard();
    const r = authenticatorRig({
      dataDir: await newDataDir(),
      spellings: secretSpellings(['JBSWY3DPEHPK3PXP']),
      platform: { clipboard },
    });
    await r.value('authenticator.addUri', { uri: `${github}\n${bank}` });
    const copies: Promise<unknown>[] = [];
    const actions = {
      ...noActions,
      copy: (id: string) => void copies.push(r.authenticator.copy(id)),
    };
    const tray = new AuthenticatorTray({ iconPath: '/icons/tray.png', actions, language: () => 'en' });
    const shown = fake.trays.at(-1);
    expect(shown?.image).toEqual({ file: '/icons/tray.png' });
    expect(shown?.tooltip).toBe('WEM Account');
    expect(labels(shown?.menu?.template ?? [])[0]).toBe('Authenticator: open the app to see your codes');

    tray.onEvent('authenticatorCodes', r.lastCodes() ?? { locked: true });
    const code = await otplibCode('JBSWY3DPEHPK3PXP', r.time.now());
    const template = shown?.menu?.template ?? [];
    expect(labels(template)).toEqual([
      `GitHub (jane)   ${code.slice(0, 3)} ${code.slice(3)}`,
      'Bank   755 224',
      '---',
      'Open WEM Account',
      'Lock authenticator',
      '---',
      'Quit',
    ]);
    click(template[0]);
    expect(await Promise.all(copies)).toEqual([{ clearAfterSeconds: 30 }]);
    expect(clipboard.text).toBe(code);
    await r.time.advance(30_000);
    expect(clipboard.text).toBe('');

    // The next period's push rebuilds the menu with the new code.
    tray.onEvent('authenticatorCodes', r.lastCodes() ?? { locked: true });
    const later = await otplibCode('JBSWY3DPEHPK3PXP', r.time.now());
    expect(labels(shown?.menu?.template ?? [])[0]).toBe(
      `GitHub (jane)   ${later.slice(0, 3)} ${later.slice(3)}`,
    );
    tray.onEvent('connectivity', { online: false });
    tray.destroy();
    expect(shown?.destroyed).toBe(true);
  });

  it('names no account while the authenticator is locked', () => {
    const template = trayMenuTemplate({ locked: true }, noActions, 'en');
    expect(labels(template)).toEqual([
      'Authenticator locked',
      '---',
      'Open WEM Account',
      'Lock authenticator',
      '---',
      'Quit',
    ]);
    expect(template[0]?.enabled).toBe(false);
    expect(template[3]?.enabled).toBe(false);
  });

  it('shows a Steam code like the others and names an entry that makes no codes, with nothing to copy', () => {
    const view = { digits: 5, period: 30, nextCode: null, secondsLeft: 20 };
    const template = trayMenuTemplate(
      {
        locked: false,
        entries: [
          { ...view, id: 's', issuer: 'Steam', label: 'sophia', type: 'steam', code: 'BHYJD', problem: null },
          { ...view, id: 'b', issuer: 'Old', label: 'x', type: 'totp', code: '', problem: 'invalid_secret' },
        ],
      },
      noActions,
      'en',
    );
    expect(labels(template).slice(0, 2)).toEqual([
      'Steam (sophia)   BHYJD',
      'Old (x)   ⚠ has a problem: open the app',
    ]);
    expect(template[1]?.enabled).toBe(false);
  });

  it('opens the window, locks and quits from its items', () => {
    const done: string[] = [];
    const actions = {
      copy: (id: string) => done.push(`copy ${id}`),
      open: () => done.push('open'),
      lock: () => done.push('lock'),
      quit: () => done.push('quit'),
    };
    const template = trayMenuTemplate({ locked: false, entries: [] }, actions, 'nl');
    expect(labels(template)).toEqual([
      'Nog geen authenticator-accounts',
      '---',
      'WEM Account openen',
      'Authenticator vergrendelen',
      '---',
      'Afsluiten',
    ]);
    for (const index of [2, 3, 5]) click(template[index]);
    expect(done).toEqual(['open', 'lock', 'quit']);
  });

  it('speaks the settings’ language, or the computer’s for "system"', () => {
    expect(trayLanguage('nl', 'en-US')).toBe('nl');
    expect(trayLanguage('en', 'nl-NL')).toBe('en');
    expect(trayLanguage('system', 'nl-BE')).toBe('nl');
    expect(trayLanguage('system', 'de-DE')).toBe('en');
  });
});
