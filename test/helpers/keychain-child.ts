// Runs keychain steps in a process of its own, so a test can give the keychain another D-Bus
// environment (none, a dead bus, a private bus) than the test runner's. Started by ./keychain.ts:
// `node --import tsx keychain-child.ts '<json steps>'`; prints one JSON array of outcomes.
import { execFileSync } from 'node:child_process';
import { createKeychain } from '../../electron/services/keychain';
import { DesktopError } from '../../electron/services/desktop-error';
import type { KeychainOutcome, KeychainStep } from './keychain';

const loginCollection = '/org/freedesktop/secrets/collection/login';

function secretService(...args: string[]): string {
  return execFileSync(
    'dbus-send',
    ['--session', '--print-reply', '--dest=org.freedesktop.secrets', ...args],
    {
      encoding: 'utf8',
      timeout: 10_000,
    },
  );
}

/** Locks the login keyring through the Secret Service API and confirms it reports itself locked. */
function lockLoginKeyring(): boolean {
  secretService(
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.Lock',
    `array:objpath:${loginCollection}`,
  );
  const locked = secretService(
    loginCollection,
    'org.freedesktop.DBus.Properties.Get',
    'string:org.freedesktop.Secret.Collection',
    'string:Locked',
  );
  return /boolean true/.test(locked);
}

async function run(step: KeychainStep): Promise<KeychainOutcome> {
  const keychain = createKeychain();
  try {
    switch (step.op) {
      case 'get':
        return { ok: true, value: (await keychain.get(step.service, step.account)) ?? null };
      case 'set':
        await keychain.set(step.service, step.account, step.secret);
        return { ok: true, value: null };
      case 'delete':
        return { ok: true, value: await keychain.delete(step.service, step.account) };
      case 'lock':
        return { ok: true, value: lockLoginKeyring() };
    }
  } catch (error) {
    if (error instanceof DesktopError) {
      return { ok: false, name: error.name, code: error.code, message: error.message };
    }
    return { ok: false, name: 'Error', code: 'unexpected', message: String(error) };
  }
}

const steps = JSON.parse(process.argv[2] ?? '[]') as KeychainStep[];
const outcomes: KeychainOutcome[] = [];
for (const step of steps) outcomes.push(await run(step));
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
