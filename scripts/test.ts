// `npm test`: typecheck, lint, then vitest against PostgreSQL. Extra arguments go to vitest.
// Without TEST_DATABASE_URL, a temporary PostgreSQL server is started for the run and stopped after it.
// Vitest runs inside a D-Bus session of its own with an unlocked gnome-keyring and a temporary HOME,
// so the keychain tests use a real Secret Service and never the keyring of the person running them.
import './require-supported-node'; // first: refuses an unsupported Node before anything else loads
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { startTemporaryPostgres, type TemporaryPostgres } from './pg-temp';
import { onPath } from './on-path';

let child: { proc: ChildProcess; exited: Promise<number> } | undefined;
let postgres: Promise<TemporaryPostgres> | undefined;
let keyringHome: string | undefined;
let signalCode: number | undefined;

/**
 * Runs a command with inherited stdio in its own process group and resolves to its exit code. The
 * directory of this Node comes first on its PATH, so that npm, vitest and every process the tests
 * start as `node` run on the same Node as this script, also when it was not started through npm.
 */
function step(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const path = [dirname(process.execPath), env.PATH].filter(Boolean).join(delimiter);
  const proc = spawn(command, args, { stdio: 'inherit', env: { ...env, PATH: path }, detached: true });
  const exited = new Promise<number>((resolve) => {
    proc.once('error', (error) => {
      console.error(`test: could not run ${command}: ${error.message}`);
      resolve(1);
    });
    proc.once('exit', (code) => resolve(code ?? 1));
  });
  child = { proc, exited };
  return exited;
}

async function finish(code: number): Promise<never> {
  const server = await postgres?.catch(() => undefined);
  await server?.stop();
  if (keyringHome) await rm(keyringHome, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  process.exit(signalCode ?? code);
}

// On Ctrl-C or SIGTERM: pass the signal to the whole process group of the running step
// (npm and npx start grandchildren), give it a few seconds to end, then stop PostgreSQL.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, async () => {
    signalCode = code;
    if (child?.proc.pid && child.proc.exitCode === null) {
      try {
        process.kill(-child.proc.pid, signal);
      } catch {
        // already gone
      }
      await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    await finish(code);
  });
}

async function main(): Promise<number> {
  console.log(`test: Node.js ${process.version} (${process.execPath})`);
  for (const script of ['typecheck', 'lint']) {
    const code = await step('npm', ['run', script]);
    if (code !== 0) return code;
  }

  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    postgres = startTemporaryPostgres();
    url = (await postgres).url;
  }
  const shown = new URL(url);
  shown.password = '';
  console.log(`test: PostgreSQL ${postgres ? 'temporary server' : 'from TEST_DATABASE_URL'}: ${shown.href}`);

  const env = { ...process.env, TEST_DATABASE_URL: url };
  const vitest = ['run', ...process.argv.slice(2)];
  if (!keyringTools.every(onPath)) {
    console.log(
      `test: ${keyringTools.join(' or ')} not found, so the keychain tests will fail: ` +
        `install them with \`sudo apt-get install ${keyringPackages}\``,
    );
    return step('npx', ['vitest', ...vitest], env);
  }
  keyringHome = await mkdtemp(join(tmpdir(), 'wem-test-home-'));
  console.log(`test: D-Bus session with an unlocked gnome-keyring, HOME=${keyringHome}`);
  return step(
    'dbus-run-session',
    ['--', 'bash', '-c', unlockThenRun, 'bash', localVitest, ...vitest],
    await keyringEnvironment(env, keyringHome),
  );
}

const keyringTools = ['dbus-run-session', 'gnome-keyring-daemon'];
const keyringPackages = 'gnome-keyring dbus';
// Vitest itself, not npx: npm would look for its cache and logs under the temporary HOME.
const localVitest = resolve('node_modules/.bin/vitest');
// The daemon forks into the background and prints its control variables, which nothing needs;
// it ends when dbus-run-session closes the bus after vitest exits.
const unlockThenRun =
  'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null ' +
  '|| { echo "test: gnome-keyring-daemon did not start" >&2; exit 1; }; exec "$@"';

/**
 * The test environment with a fresh HOME and runtime directory, and nothing that points at the
 * user's own session bus, keyring or data directories (gnome-keyring would unlock or use those).
 */
async function keyringEnvironment(env: NodeJS.ProcessEnv, home: string): Promise<NodeJS.ProcessEnv> {
  const runtime = join(home, 'run');
  await mkdir(runtime, { mode: 0o700 });
  const result: NodeJS.ProcessEnv = {
    ...env,
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    npm_config_cache: env.npm_config_cache ?? join(homedir(), '.npm'),
  };
  for (const name of [
    'DBUS_SESSION_BUS_ADDRESS',
    'DBUS_STARTER_ADDRESS',
    'DBUS_STARTER_BUS_TYPE',
    'GNOME_KEYRING_CONTROL',
    'XDG_DATA_HOME',
    'XDG_CONFIG_HOME',
    'XDG_CACHE_HOME',
    'XDG_STATE_HOME',
  ]) {
    delete result[name];
  }
  return result;
}

main().then(finish, (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  return finish(1);
});
