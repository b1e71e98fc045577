// Helpers for the keychain tests: they run against a real gnome-keyring over D-Bus, never a stand-in.
// `npm test` runs vitest inside a session bus with an unlocked keyring; tests that need another
// D-Bus world (none, a dead bus, a bus without a Secret Service, a locked keyring) run the keychain
// in a child process (./keychain-child.ts), optionally inside a private `dbus-run-session`.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onPath } from '../../scripts/on-path';

export type KeychainStep =
  | { op: 'get'; service: string; account: string }
  | { op: 'set'; service: string; account: string; secret: string }
  | { op: 'delete'; service: string; account: string }
  /** Locks the login keyring of the session (Secret Service `Lock`); value: whether it now reports locked. */
  | { op: 'lock' };

export type KeychainOutcome =
  { ok: true; value: string | boolean | null } | { ok: false; name: string; code: string; message: string };

export const secretServicePackages = 'gnome-keyring dbus';
const tools = ['dbus-run-session', 'dbus-send', 'gnome-keyring-daemon'];

/**
 * Throws, with what to install or how to run, unless this process can reach a real Secret Service:
 * the keychain tests fail rather than skip where there is none.
 */
export function requireSecretService(): void {
  const missing = tools.filter((tool) => !onPath(tool));
  if (missing.length > 0) {
    throw new Error(
      `The keychain tests need a real Secret Service, but ${missing.join(', ')} cannot be found. ` +
        `Install the Debian packages: apt-get install ${secretServicePackages}`,
    );
  }
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error(
      'The keychain tests need a D-Bus session with an unlocked gnome-keyring: run them with `npm test`, ' +
        "or inside HOME=$(mktemp -d) dbus-run-session -- bash -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets; <cmd>'",
    );
  }
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const child = fileURLToPath(new URL('./keychain-child.ts', import.meta.url));

/** The variables that would lead a child to another keyring or bus than the one the test gives it. */
const keyringVariables = [
  'DBUS_SESSION_BUS_ADDRESS',
  'DBUS_STARTER_ADDRESS',
  'DBUS_STARTER_BUS_TYPE',
  'GNOME_KEYRING_CONTROL',
  'XDG_RUNTIME_DIR',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
  // Without a display, gnome-keyring's prompter cannot open a window and a prompt fails at once.
  'DISPLAY',
  'WAYLAND_DISPLAY',
];

function baseEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of keyringVariables) delete env[name];
  return env;
}

function collect(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<KeychainOutcome[]> {
  return new Promise((resolve, reject) => {
    // In a process group of its own, so a timeout ends the private bus and keyring with it.
    const proc = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A keychain that waits for an unlock prompt nobody can answer would hang the test: fail instead.
    const timer = setTimeout(() => {
      try {
        if (proc.pid) process.kill(-proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 15_000);
    proc.once('error', reject);
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('[')) resolve(JSON.parse(line) as KeychainOutcome[]);
      else
        reject(new Error(`keychain child ended with ${signal ?? code}: ${stderr.trim() || stdout.trim()}`));
    });
  });
}

function childCommand(steps: KeychainStep[]): string[] {
  return [process.execPath, '--import', 'tsx', child, JSON.stringify(steps)];
}

/** Runs the steps in a child process with the given D-Bus session address (undefined: none at all). */
export function inChildProcess(
  steps: KeychainStep[],
  busAddress: string | undefined,
): Promise<KeychainOutcome[]> {
  const env = baseEnvironment();
  if (busAddress !== undefined) env.DBUS_SESSION_BUS_ADDRESS = busAddress;
  const [command = '', ...args] = childCommand(steps);
  return collect(command, args, env);
}

/** A session bus that offers no services at all: nothing can start a Secret Service on it. */
const bareBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

export type PrivateKeyring =
  /** gnome-keyring started and its login keyring created and unlocked with a password. */
  | 'unlocked'
  /** gnome-keyring only started by D-Bus activation on first use: it has no login keyring yet. */
  | 'activated-without-keyring'
  /** a session bus without any Secret Service provider. */
  | 'no-provider';

/**
 * Runs the steps in a child process inside a private `dbus-run-session` with a fresh HOME, so the
 * test can lock or lack a keyring without touching the one the other tests use. The private bus and
 * its gnome-keyring end with the session.
 */
export async function inPrivateSession(
  keyring: PrivateKeyring,
  steps: KeychainStep[],
): Promise<KeychainOutcome[]> {
  const home = await mkdtemp(join(tmpdir(), 'wem-keychain-'));
  try {
    const env = { ...baseEnvironment(), HOME: home, UNLOCK_KEYRING: keyring === 'unlocked' ? '1' : '' };
    const session: string[] = [];
    if (keyring === 'no-provider') {
      const config = join(home, 'bus.conf');
      await writeFile(config, bareBusConfig);
      session.push(`--config-file=${config}`);
    }
    const script =
      'if [ -n "$UNLOCK_KEYRING" ]; then ' +
      'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 70; fi; exec "$@"';
    return await collect(
      'dbus-run-session',
      [...session, '--', 'bash', '-c', script, 'bash', ...childCommand(steps)],
      env,
    );
  } finally {
    await rm(home, { recursive: true, force: true, maxRetries: 3 });
  }
}
