// `npm start`: runs the product on this machine with the embedded defaults — the account API on a
// SQLite file in ./data with mail written to ./data/outbox — and the desktop app next to it: in
// Electron when its binary is there (or can be fetched), otherwise in Chromium through the web host.
// Ctrl-C stops everything it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pretty from 'pino-pretty';

const require = createRequire(import.meta.url);
const env = { ...process.env };
const children = new Set<ChildProcess>();
let stopping = false;
let exitCode = 0;

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.on('exit', () => {
    children.delete(child);
    if (stopping && children.size === 0) process.exit(exitCode);
  });
  return child;
}

const server = track(
  spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);
// The API logs JSON lines for machines; a person at a terminal gets them readable.
server.stdout?.pipe(
  pretty({ colorize: process.stdout.isTTY, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' }),
);
server.on('exit', (code, signal) => {
  if (stopping) return;
  console.log('The account API stopped; stopping the desktop app too.');
  stopAll(code ?? (signal ? 0 : 1));
});

/**
 * Electron 42+ fetches its binary on first launch, not at npm install. Resolving the package (not
 * requiring it: that would start the download) tells where the binary should be; when it is not
 * there yet, its own installer gets one try (it fails within a second where the download is blocked).
 */
async function electronBinary(): Promise<string | undefined> {
  let dir: string;
  try {
    dir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  const located = () => {
    const pathFile = path.join(dir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const binary = path.join(
      process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist'),
      readFileSync(pathFile, 'utf8'),
    );
    try {
      accessSync(binary, constants.X_OK);
      return binary;
    } catch {
      return undefined;
    }
  };
  if (located()) return located();
  const installer = track(spawn(process.execPath, [path.join(dir, 'install.js')], { stdio: 'ignore' }));
  const slow = setTimeout(() => console.log('Fetching Electron (first launch only)…'), 2_000);
  const limit = setTimeout(() => installer.kill('SIGTERM'), 5 * 60_000);
  await new Promise((resolve) => installer.on('exit', resolve));
  clearTimeout(slow);
  clearTimeout(limit);
  return located();
}

async function startDesktopApp(): Promise<ChildProcess | undefined> {
  const binary = await electronBinary();
  if (stopping) return undefined;
  if (binary) {
    // Builds main, preload and renderer, then runs the built app.
    const electronVite = path.join(
      path.dirname(require.resolve('electron-vite/package.json')),
      'bin/electron-vite.js',
    );
    return spawn(process.execPath, [electronVite, 'preview'], { env, stdio: 'inherit' });
  }
  console.log(
    'Electron is not installed here (its download is not reachable), so WEM Account opens in Chromium through the web host instead.',
  );
  return spawn(process.execPath, ['--import', 'tsx', 'electron/web-host/start-web.ts'], {
    env,
    stdio: 'inherit',
  });
}

void startDesktopApp().then((desktop) => {
  if (!desktop) return;
  track(desktop).on('exit', () => {
    if (!stopping) console.log('The desktop app closed; the account API keeps running until Ctrl-C.');
  });
});

function stopAll(code: number): void {
  stopping = true;
  exitCode = code;
  if (children.size === 0) process.exit(code);
  for (const child of children) child.kill('SIGTERM');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => stopAll(0));
}
