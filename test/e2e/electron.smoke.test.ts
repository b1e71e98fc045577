import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron } from 'playwright-core';
import { installedElectron } from '../../scripts/electron-binary';
import { describe, expect, it } from 'vitest';

/**
 * Starts the built desktop app in a real Electron and checks the shell from the outside: the page
 * comes from app://wem-account, has no Node, sees only the bridge, and main answers through it.
 *
 * The Electron binary is fetched on first launch and cannot be downloaded on every machine (not on
 * this project's build box). Where it is missing this test says so plainly and checks only that; it
 * never asks for `require('electron')`, which would try to download it.
 */

const root = path.resolve(import.meta.dirname, '../..');
const electronPackage = path.join(root, 'node_modules/electron');
const notRun = 'Electron smoke test did not run: no Electron binary on this machine';

interface PageBridge {
  invoke(channel: string, payload: unknown): Promise<unknown>;
}

describe('the desktop app in Electron', () => {
  const binary = installedElectron();

  it('opens one sandboxed window from app://wem-account that reaches main only through the bridge', async () => {
    if (!binary) {
      process.stdout.write(`${notRun}\n`);
      expect(existsSync(path.join(electronPackage, 'dist'))).toBe(false);
      return;
    }

    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      {
        cwd: root,
        stdio: 'ignore',
        timeout: 180_000,
      },
    );
    const home = mkdtempSync(path.join(os.tmpdir(), 'wem-electron-home-'));
    const app = await _electron.launch({
      executablePath: binary,
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), root],
      cwd: root,
      // A throwaway profile: settings and window state go to a temporary home, not the user's.
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), APPDATA: home },
      timeout: 60_000,
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      expect(page.url()).toBe('app://wem-account/index.html');

      const reach = await page.evaluate(() => {
        const scope = globalThis as unknown as Record<string, unknown>;
        const bridge = scope.wemAccount as Record<string, unknown> | undefined;
        return {
          require: typeof scope.require,
          process: typeof scope.process,
          bridgeKeys: bridge ? Object.keys(bridge).sort() : [],
        };
      });
      expect(reach).toEqual({ require: 'undefined', process: 'undefined', bridgeKeys: ['invoke', 'on'] });

      const status = await page.evaluate(() =>
        (globalThis as unknown as { wemAccount: PageBridge }).wemAccount.invoke('app.status', {}),
      );
      expect(status).toMatchObject({ ok: true, value: { signedIn: false } });

      const popup = await page.evaluate(() => {
        const scope = globalThis as unknown as { open(url: string): unknown };
        return scope.open('https://evil.example/') === null;
      });
      expect(popup).toBe(true);
      // window.open was denied: still the one window, and the page never left its origin.
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
      expect(page.url()).toBe('app://wem-account/index.html');
    } finally {
      await app.close();
      rmSync(home, { recursive: true, force: true });
    }
  }, 240_000);
});
