// `npm run start:web`: the desktop app without Electron. Builds the renderer when its sources changed,
// starts the desktop services (keychain included) behind the web host on 127.0.0.1 and opens the page
// in the system's Chromium. It talks to the account API at WEM_ACCOUNT_SERVER_URL (default
// http://127.0.0.1:$PORT, PORT 4300 as for `npm run server`). Ctrl-C stops what it started.
import '../../scripts/require-supported-node'; // first: refuses an unsupported Node before anything else loads
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isHandoffUrl } from '../services/account/apps-handlers';
import { createDesktopServices } from '../services/desktop-services';
import { defaultExportFolder, folderSaveFile } from '../services/authenticator/folder-exports';
import { createKeychain } from '../services/keychain';
import { MemorySettingsStore } from '../services/settings';
import { startWebHost, type WebHost } from './web-host';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rendererDir = path.join(projectDir, 'out/renderer');
const rendererSources = ['renderer', 'common', 'vite.renderer.config.ts'].map((p) =>
  path.join(projectDir, p),
);

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The newest modification time under the given paths (0 when none exists). */
async function newestChange(paths: string[]): Promise<number> {
  let newest = 0;
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (!info) continue;
    if (!info.isDirectory()) newest = Math.max(newest, info.mtimeMs);
    else {
      const entries = await readdir(p);
      newest = Math.max(newest, await newestChange(entries.map((entry) => path.join(p, entry))));
    }
  }
  return newest;
}

async function buildRendererIfNeeded(): Promise<void> {
  const built = await stat(path.join(rendererDir, 'index.html')).catch(() => undefined);
  if (built && built.mtimeMs >= (await newestChange(rendererSources))) return;
  say('Building the renderer…');
  const { build } = await import('vite');
  await build({ configFile: path.join(projectDir, 'vite.renderer.config.ts'), logLevel: 'warn' });
}

function findChromium(): string | undefined {
  const candidates = ['/usr/bin/chromium'];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
      candidates.push(path.join(dir, name));
    }
  }
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Opens the URL in a throwaway Chromium profile. The URL holds the token, and a process's arguments
 * are readable by every local user (`ps`), so Chromium gets a private file that redirects to it
 * instead, and the file is gone once the page has loaded.
 */
async function openInChromium(executable: string, url: string, profileDir: string): Promise<ChildProcess> {
  const launcher = path.join(profileDir, 'open.html');
  const escaped = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  await writeFile(launcher, `<!doctype html><meta http-equiv="refresh" content="0;url=${escaped}">`, {
    mode: 0o600,
  });
  const args = [
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    `--app=file://${launcher}`,
  ];
  const browser = spawn(executable, args, { stdio: 'ignore' });
  setTimeout(() => void rm(launcher, { force: true }), 5_000).unref();
  return browser;
}

/**
 * "Open Modeler" in the web host: the system's own opener with the URL as one argument (no shell), and
 * only a portal hand-off URL (docs/security.md 78). The URL is never printed: it carries the ticket.
 */
function systemOpener(url: string): Promise<void> {
  if (!isHandoffUrl(url)) return Promise.reject(new Error('not a hand-off URL'));
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['explorer.exe', [url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

async function main(): Promise<void> {
  await buildRendererIfNeeded();
  const version = (
    JSON.parse(await readFile(path.join(projectDir, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const serverUrl = process.env.WEM_ACCOUNT_SERVER_URL ?? `http://127.0.0.1:${process.env.PORT ?? '4300'}`;

  // The services exist before the host they report events to.
  const events: { host?: WebHost } = {};
  const dataDir = process.env.WEM_ACCOUNT_DATA_DIR ?? path.join(projectDir, 'data/desktop');
  const exportFolder = defaultExportFolder(dataDir);
  const services = createDesktopServices({
    // A throwaway profile: the web host is for development and tests, not a second home for settings.
    settings: new MemorySettingsStore({ serverUrl }),
    secrets: createKeychain(),
    // The authenticator's vault is real data: it stays between runs (WEM_ACCOUNT_DATA_DIR moves it).
    dataDir,
    // No save dialog in a browser tab: exports are written to a folder here, never sent to the page.
    authenticatorPlatform: { saveFile: folderSaveFile(exportFolder) },
    version,
    deviceName: os.hostname(),
    onEvent: (event, payload) => events.host?.emit(event, payload),
    openExternal: systemOpener,
    onUnexpected: (error, channel) =>
      process.stderr.write(
        `Unexpected error on ${channel}: ${error instanceof Error ? error.stack : String(error)}\n`,
      ),
  });
  const host = await startWebHost({ router: services.router, rendererDir });
  events.host = host;
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'wem-account-chromium-'));

  const started: { browser?: ChildProcess } = {};
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const { browser } = started;
    if (browser && browser.exitCode === null && browser.signalCode === null) browser.kill('SIGTERM');
    await host.close();
    services.dispose();
    await rm(profileDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));

  say(`WEM Account (web host) talks to the account API at ${serverUrl}.`);
  say(`Authenticator exports are written to ${exportFolder}.`);
  const executable = findChromium();
  const hasDisplay =
    process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!executable || !hasDisplay) {
    const why = executable ? 'There is no display to open a window on' : 'No Chromium or Chrome was found';
    say(
      `${why}; open this address in a browser on this computer (valid until you stop this):\n  ${host.url}`,
    );
    say('Press Ctrl-C to stop.');
    return;
  }

  const openedAt = Date.now();
  const browser = await openInChromium(executable, host.url, profileDir);
  started.browser = browser;
  if (stopping) browser.kill('SIGTERM');
  say(`Opened in ${executable}. If no window appears, open:\n  ${host.url}\nPress Ctrl-C to stop.`);
  browser.on('exit', (code) => {
    if (stopping) return;
    if (code !== 0 && Date.now() - openedAt < 10_000) {
      say(`Chromium stopped at once (exit code ${code}); open the address above in a browser instead.`);
      return;
    }
    say('The WEM Account window was closed.');
    void stop(0);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
