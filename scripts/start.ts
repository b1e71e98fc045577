// `npm start`: runs the product on this machine with the embedded defaults — the account API on a
// SQLite file in ./data with mail written to ./data/outbox — and the desktop app next to it: in
// Electron when its binary is there (or can be fetched), otherwise in Chromium through the web host.
// Ctrl-C stops everything it started.
import './require-supported-node'; // first: refuses an unsupported Node before anything else loads
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import pretty from 'pino-pretty';
import { electronPackageDir, installedElectron } from './electron-binary';

const require = createRequire(import.meta.url);
console.log(`WEM Account on Node.js ${process.version} (${path.relative(process.cwd(), process.execPath)})`);
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

/** The binary if present; else Electron's own installer gets one try (it fails fast where blocked). */
async function electronBinary(): Promise<string | undefined> {
  const dir = electronPackageDir();
  if (!dir || installedElectron()) return installedElectron();
  const installer = track(spawn(process.execPath, [path.join(dir, 'install.js')], { stdio: 'ignore' }));
  const slow = setTimeout(() => console.log('Fetching Electron (first launch only)…'), 2_000);
  const limit = setTimeout(() => installer.kill('SIGTERM'), 5 * 60_000);
  await new Promise((resolve) => installer.on('exit', resolve));
  clearTimeout(slow);
  clearTimeout(limit);
  return installedElectron();
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
