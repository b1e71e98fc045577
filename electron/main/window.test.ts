import { describe, expect, it, vi } from 'vitest';
import type { WindowState } from '../services/settings';

const fake = await vi.hoisted(async () => (await import('../../test/helpers/fake-electron')).fakeElectron());
vi.mock('electron', () => fake);

const { preventableEvent } = await import('../../test/helpers/fake-electron');
const { createMainWindow, isVettedExternalUrl } = await import('./window');

function openWindow(saved: WindowState | null = null) {
  const saves: WindowState[] = [];
  const opened: string[] = [];
  createMainWindow({
    preloadPath: '/app/out/preload/index.cjs',
    serverUrl: () => 'https://accounts.example.com',
    windowState: { load: () => saved, save: (state) => saves.push(state) },
    openExternal: async (url) => {
      opened.push(url);
    },
  });
  const window = fake.recorded.windows.at(-1)!;
  return { window, contents: window.webContents, saves, opened };
}

describe('the app window', () => {
  it('runs the page isolated, sandboxed, without Node and with web security on', () => {
    const { window } = openWindow();
    expect(window.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
  });

  it('loads the app from its own origin, not from a file', () => {
    const { window } = openWindow();
    expect(window.loadedUrl).toBe('app://wem-account/index.html');
  });

  it('denies window.open, even for a vetted address, and opens only that one in the browser', () => {
    const { contents, opened } = openWindow();
    const open = contents.windowOpenHandler!;
    expect(open({ url: 'https://evil.example/phish' })).toEqual({ action: 'deny' });
    expect(open({ url: 'app://wem-account/index.html' })).toEqual({ action: 'deny' });
    expect(open({ url: 'https://wem.io/docs' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://wem.io/docs']);
  });

  it.each(['will-navigate', 'will-redirect'])('prevents %s to another origin and allows its own', (name) => {
    const { contents } = openWindow();
    const away = preventableEvent();
    contents.emit(name, away, 'https://evil.example/');
    const fileUrl = preventableEvent();
    contents.emit(name, fileUrl, 'file:///etc/passwd');
    const home = preventableEvent();
    contents.emit(name, home, 'app://wem-account/index.html#/login');
    expect([away.defaultPrevented, fileUrl.defaultPrevented, home.defaultPrevented]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('prevents a subframe from navigating to another origin', () => {
    const { contents } = openWindow();
    const frame = preventableEvent({ url: 'https://evil.example/' });
    contents.emit('will-frame-navigate', frame);
    expect(frame.defaultPrevented).toBe(true);
  });

  it('refuses to attach a webview', () => {
    const { contents } = openWindow();
    const attach = preventableEvent();
    contents.emit('will-attach-webview', attach, {}, {});
    expect(attach.defaultPrevented).toBe(true);
  });

  it.each(['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal'])(
    'denies the %s permission',
    (permission) => {
      const { contents } = openWindow();
      const answers: boolean[] = [];
      contents.session.permissionRequestHandler!(
        contents,
        permission,
        (granted) => answers.push(granted),
        {},
      );
      expect(answers).toEqual([false]);
      expect(contents.session.permissionCheckHandler!(contents, permission, 'app://wem-account', {})).toBe(
        false,
      );
    },
  );

  it('opens where it was last closed and remembers where it is closed', () => {
    const { window, saves } = openWindow({ x: 40, y: 50, width: 1200, height: 800, maximized: true });
    expect(window.options).toMatchObject({ x: 40, y: 50, width: 1200, height: 800 });
    expect(window.isMaximized()).toBe(true);
    window.emit('close');
    expect(saves).toEqual([{ x: 10, y: 20, width: 900, height: 700, maximized: true }]);
  });
});

describe('links the app may open in the browser', () => {
  it.each([
    'https://wem.io/docs',
    'https://www.wem.io/',
    'https://my.wem.io/account',
    'https://accounts.example.com/help',
    'mailto:support@wem.io',
  ])('opens %s', (url) => {
    expect(isVettedExternalUrl(url, 'https://accounts.example.com')).toBe(true);
  });

  it.each([
    'http://wem.io/docs',
    'https://evil.example/',
    'https://wem.io.evil.example/',
    'https://evilwem.io/',
    'https://user:pass@wem.io/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'wem-account://activate?token=x',
    'https://accounts.example.com:8443/',
    'mailto:support@wem.io?attach=/etc/passwd',
    'mailto:support@wem.io,other@example.com',
    'mailto:support@wem.io?subject=x&body=y',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isVettedExternalUrl(url, 'https://accounts.example.com')).toBe(false);
  });

  it('does not vouch for a plain-http account server', () => {
    expect(isVettedExternalUrl('https://127.0.0.1:4300/', 'http://127.0.0.1:4300')).toBe(false);
  });
});
