import { BrowserWindow, shell, type BrowserWindowConstructorOptions, type Session } from 'electron';
import type { WindowState } from '../services/settings';
import { appEntryUrl, isAppUrl } from './protocol';

export interface MainWindowOptions {
  preloadPath: string;
  /** The account server the app talks to: its https host may be opened externally. */
  serverUrl: () => string;
  /** Where and how big the window was when it last closed (settings.windowState, not a secret). */
  windowState: { load(): WindowState | null; save(state: WindowState): void };
  /** Defaults to `shell.openExternal`; only ever called with a vetted URL. */
  openExternal?: (url: string) => Promise<void>;
}

const defaultSize = { width: 1040, height: 760 };
const minimumSize = { width: 720, height: 560 };

/**
 * The web preferences of docs/security.md 24, in one constant so a test can hold them exactly: the page
 * runs isolated and sandboxed, with no Node, and reaches main only through the preload's bridge.
 */
export function webPreferencesFor(
  preloadPath: string,
): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
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
  };
}

/**
 * Links the app may hand to the system browser: https only, to WEM's own sites or the configured
 * account server, and a plain mailto: of one address (the support address the server announces).
 * Everything else (http, javascript:, file:, other hosts, credentials in the URL, a mailto: with a
 * prepared subject, body or attachment) is dropped, so a compromised page cannot use the shell to
 * launch arbitrary URLs or programs.
 */
export function isVettedExternalUrl(url: string, serverUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'mailto:')
    return parsed.search === '' && parsed.hash === '' && /^[^@\s,;%?]+@[a-z0-9.-]+$/i.test(parsed.pathname);
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return false;
  const host = parsed.hostname.toLowerCase();
  if (host === 'wem.io' || host.endsWith('.wem.io')) return true;
  if (!serverUrl) return false;
  try {
    const server = new URL(serverUrl);
    return server.protocol === 'https:' && server.host.toLowerCase() === parsed.host.toLowerCase();
  } catch {
    return false;
  }
}

/** Denies every permission (camera, microphone, notifications, geolocation, clipboard…) the page asks for. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Creates the one app window, wired per docs/security.md 24, and loads the app's page. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = options.windowState.load();
  // No saved place: Electron centres the window on the primary screen.
  const window = new BrowserWindow({
    ...(saved ? { x: saved.x, y: saved.y } : {}),
    width: Math.max(saved?.width ?? defaultSize.width, minimumSize.width),
    height: Math.max(saved?.height ?? defaultSize.height, minimumSize.height),
    minWidth: minimumSize.width,
    minHeight: minimumSize.height,
    show: false,
    title: 'WEM Account',
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: webPreferencesFor(options.preloadPath),
  });
  const openExternal = options.openExternal ?? ((url: string) => shell.openExternal(url));
  const contents = window.webContents;

  denyAllPermissions(contents.session);

  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isVettedExternalUrl(url, options.serverUrl())) void openExternal(url).catch(() => {});
    return { action: 'deny' };
  });

  if (saved?.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    const bounds = window.getNormalBounds();
    try {
      options.windowState.save({ ...bounds, maximized: window.isMaximized() });
    } catch {
      // A place the settings refuse (an absurd size) is simply not remembered.
    }
  });

  void window.loadURL(appEntryUrl);
  return window;
}
