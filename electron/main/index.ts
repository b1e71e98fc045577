/// <reference types="electron-vite/node" />
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, shell } from 'electron';
import { isHandoffUrl } from '../services/account/apps-handlers';
import { DesktopError } from '../services/desktop-error';
import { createDesktopServices } from '../services/desktop-services';
import { createKeychain } from '../services/keychain';
import trayIconPath from '../../build/icon-32.png?asset';
import { electronAuthenticatorPlatform } from './authenticator-platform';
import { deepLinkFromArgv, listenForDeepLinks, registerDeepLinkScheme, type DeepLink } from './deep-links';
import { registerIpcTransport, sendEvent } from './ipc-transport';
import { registerAppScheme, serveRenderer } from './protocol';
import { ElectronSettingsStore } from './settings-store';
import { AuthenticatorTray, trayLanguage } from './tray';
import { createMainWindow } from './window';

/**
 * The desktop app's composition root: one instance, one window, one IPC transport in front of the
 * services. Everything with logic lives in electron/services (plain Node, tested without Electron);
 * this file only wires Electron to it.
 *
 * Closing the window quits the app on Windows and Linux. Quitting drops the in-memory session but is
 * not a sign-out: the trusted-device token stays in the keychain, so MFA is still skipped next time.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const preloadPath = path.join(here, '../preload/index.cjs');
const rendererDir = path.join(here, '../renderer');

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // The first instance gets our argv (with any deep link) through its `second-instance` event.
  app.quit();
} else {
  start();
}

/**
 * The tray has nowhere to show a refusal: a locked authenticator shows as locked in its menu anyway.
 * Anything else is a bug and goes to the log.
 */
function trayFailed(error: unknown): void {
  if (error instanceof DesktopError) return;
  process.stderr.write(`Tray action failed: ${error instanceof Error ? error.stack : String(error)}\n`);
}

function start(): void {
  let window: BrowserWindow | undefined;
  let pageReady = false;
  let pendingLink: DeepLink | undefined = deepLinkFromArgv(process.argv);

  const deliverLink = (link: DeepLink) => {
    if (window && pageReady) sendEvent(window.webContents, 'deepLink', link);
    else pendingLink = link;
    focus();
  };
  const focus = () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  listenForDeepLinks(deliverLink);
  app.on('second-instance', (_event, argv) => {
    const link = deepLinkFromArgv(argv);
    if (link) deliverLink(link);
    else focus();
  });

  app.whenReady().then(
    () => {
      registerDeepLinkScheme();
      serveRenderer(rendererDir);

      const settings = new ElectronSettingsStore();
      let tray: AuthenticatorTray | undefined;
      const services = createDesktopServices({
        settings,
        secrets: createKeychain(),
        version: app.getVersion(),
        dataDir: app.getPath('userData'),
        authenticatorPlatform: electronAuthenticatorPlatform(() => window),
        deviceName: os.hostname(),
        // "Open Modeler": only a portal hand-off URL (https, or http on loopback) reaches the shell
        // (docs/security.md 78); the renderer never sees it (docs/security.md 77).
        openExternal: (url) =>
          isHandoffUrl(url) ? shell.openExternal(url) : Promise.reject(new Error('not a hand-off URL')),
        onEvent: (event, payload) => {
          tray?.onEvent(event, payload);
          if (window && !window.isDestroyed()) sendEvent(window.webContents, event, payload);
        },
        onUnexpected: (error, channel) => {
          // A bug, not a user error: the renderer got `app_error`; the stack goes to the log only.
          process.stderr.write(
            `Unexpected error on ${channel}: ${error instanceof Error ? error.stack : String(error)}\n`,
          );
        },
      });
      const removeTransport = registerIpcTransport(services.router);

      const openWindow = () => {
        pageReady = false;
        window = createMainWindow({
          preloadPath,
          serverUrl: () => settings.read().serverUrl,
          windowState: {
            load: () => settings.read().windowState,
            save: (windowState) => settings.update({ windowState }),
          },
        });
        window.webContents.on('did-finish-load', () => {
          pageReady = true;
          if (pendingLink && window) {
            sendEvent(window.webContents, 'deepLink', pendingLink);
            pendingLink = undefined;
          }
        });
        window.on('closed', () => {
          window = undefined;
        });
      };
      openWindow();

      // The tray lists the authenticator's codes; a desktop without a tray area just goes without.
      try {
        tray = new AuthenticatorTray({
          iconPath: trayIconPath,
          language: () => trayLanguage(settings.read().language, app.getLocale()),
          actions: {
            copy: (id) => void services.authenticator.copy(id).catch(trayFailed),
            open: () => (window && !window.isDestroyed() ? focus() : openWindow()),
            lock: () => void services.authenticator.lock().catch(trayFailed),
            quit: () => app.quit(),
          },
        });
        // Starts the clock whose `authenticatorCodes` events fill the tray's menu.
        void services.authenticator.list().catch(trayFailed);
      } catch (error) {
        process.stderr.write(`No tray icon: ${String(error)}\n`);
      }

      // macOS keeps the app alive without windows and reopens one from the dock.
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) openWindow();
      });
      app.on('window-all-closed', () => {
        if (process.platform !== 'darwin') app.quit();
      });
      app.on('will-quit', () => {
        removeTransport();
        tray?.destroy();
        services.dispose();
      });
    },
    (error: unknown) => {
      process.stderr.write(`WEM Account could not start: ${String(error)}\n`);
      app.exit(1);
    },
  );
}
