// `npm run admin -- <command>`: what operators do by hand, against the database the API uses (same
// environment as `npm run server`). Decisions are the same as the support API's and audited as
// "operator:<login name>". Queued mail is delivered before the command exits.
//
//   grant-role <email> support        revoke-role <email> support
//   mfa-reset list [--status pending|approved|denied]
//   mfa-reset approve <id> --note "<text>"      mfa-reset deny <id> --note "<text>"
//   account delete <email> --note "<text>"
//   rotate-secret-key --from-file <old key file>   (or the old key in OLD_SECRET_KEY or PREVIOUS_SECRET_KEY)
//   client add --id <id> --name <name> --redirect-uri <uri> [...]   client list   client remove <id>
//   oidc rotate-keys
import '../../scripts/require-supported-node'; // first: refuses an unsupported Node before anything else loads
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp } from '../app';
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { ApiError } from '../http/api-error';
import { cryptoRandom } from '../support/random';
import { loadOrCreateSecretKey } from '../support/secret-key';
import { MfaResets } from './mfa-resets';
import { untrusted } from '../support/untrusted-text';
import { roles, setRole, type Role } from './roles';
import { parseSecretKey, rotateSecretKey } from './rotate-secret-key';
import { clientIdPattern, type NewClient } from '../oidc/client-store';

const usage = `Usage: npm run admin -- <command>
  grant-role <email> support
  revoke-role <email> support
  mfa-reset list [--status pending|approved|denied]
  mfa-reset approve <request id> --note "<text>"
  mfa-reset deny <request id> --note "<text>"
  account delete <email> --note "<text>"
      deletes the account and everything of it; the owner is mailed the note
  rotate-secret-key --from-file <old key file>   (or set OLD_SECRET_KEY, or PREVIOUS_SECRET_KEY as the server has)
      re-encrypts stored secrets from the old server key to the current SECRET_KEY
  client add --id <id> --name <name> --redirect-uri <uri> [--redirect-uri <uri> …] [--public]
      [--first-party] [--launch-url <url>] [--post-logout-uri <uri> …] [--backchannel-logout-uri <uri>]
      registers a relying party of the login portal; prints it as JSON (a confidential client's
      clientSecret is shown this once)
  client list
  client remove <id>
  oidc rotate-keys       new signing keys; the old ones stay published until their tokens expire`;

class UsageError extends Error {}

function isRole(value: string | undefined): value is Role {
  return roles.some((role) => role === value);
}

type Command =
  | { kind: 'role'; email: string; role: Role; granted: boolean }
  | { kind: 'list'; status: 'pending' | 'approved' | 'denied' | undefined }
  | { kind: 'decide'; id: string; decision: 'approve' | 'deny'; note: string }
  | { kind: 'delete'; email: string; note: string }
  | { kind: 'rotate'; oldKey: Buffer }
  | { kind: 'client-add'; client: NewClient }
  | { kind: 'client-list' }
  | { kind: 'client-remove'; id: string }
  | { kind: 'rotate-keys' };

type CliValues = {
  note?: string | undefined;
  status?: string | undefined;
  'from-file'?: string | undefined;
  id?: string | undefined;
  name?: string | undefined;
  'redirect-uri'?: string[] | undefined;
  'post-logout-uri'?: string[] | undefined;
  'backchannel-logout-uri'?: string | undefined;
  'launch-url'?: string | undefined;
  public?: boolean | undefined;
  'first-party'?: boolean | undefined;
};

/**
 * A relying party's address as the portal accepts it: https, or http on this computer (for development),
 * absolute, without a fragment (docs/oidc.md). Redirect URIs are then compared exactly.
 */
function clientUri(value: string, option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--${option} ${value} is not an absolute URL.`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) || url.hash)
    throw new UsageError(`--${option} must be https (http only for localhost), without a #fragment.`);
  return value;
}

function parseClient(values: CliValues): NewClient {
  const id = values.id ?? '';
  if (!clientIdPattern.test(id))
    throw new UsageError('client add needs --id of letters, digits, ".", "_" or "-" (at most 100).');
  const name = values.name?.trim();
  if (!name) throw new UsageError('client add needs --name "<name shown to users>".');
  const redirectUris = (values['redirect-uri'] ?? []).map((uri) => clientUri(uri, 'redirect-uri'));
  if (redirectUris.length === 0) throw new UsageError('client add needs at least one --redirect-uri.');
  const backchannel = values['backchannel-logout-uri'];
  const launch = values['launch-url'];
  return {
    id,
    name,
    redirectUris,
    postLogoutRedirectUris: (values['post-logout-uri'] ?? []).map((uri) => clientUri(uri, 'post-logout-uri')),
    public: values.public === true,
    firstParty: values['first-party'] === true,
    backchannelLogoutUri: backchannel ? clientUri(backchannel, 'backchannel-logout-uri') : undefined,
    launchUrl: launch ? clientUri(launch, 'launch-url') : undefined,
  };
}

/** Reads the command line into a Command, refusing a malformed one before anything touches the data. */
function parseCommand(
  positionals: string[],
  values: CliValues,
  oldKeyFromEnv: string | undefined,
  previousKeyFromEnv: string | undefined,
): Command {
  const [command, first, second] = positionals;
  if (command === 'grant-role' || command === 'revoke-role') {
    if (!first || !isRole(second))
      throw new UsageError(`${command} needs an email address and a role (${roles.join(', ')}).`);
    return { kind: 'role', email: first, role: second, granted: command === 'grant-role' };
  }
  if (command === 'mfa-reset' && first === 'list') {
    const status = values.status;
    if (status !== undefined && status !== 'pending' && status !== 'approved' && status !== 'denied') {
      throw new UsageError('--status is pending, approved or denied.');
    }
    return { kind: 'list', status };
  }
  if (command === 'mfa-reset' && (first === 'approve' || first === 'deny') && second) {
    const note = values.note?.trim();
    if (!note)
      throw new UsageError(`mfa-reset ${first} needs --note "<text>" for the audit log and the user.`);
    return { kind: 'decide', id: second, decision: first, note };
  }
  if (command === 'account' && first === 'delete' && second) {
    const note = values.note?.trim();
    if (!note) throw new UsageError('account delete needs --note "<text>" for the audit log and the owner.');
    return { kind: 'delete', email: second, note };
  }
  if (command === 'rotate-secret-key' && !first) {
    const file = values['from-file'];
    if (file && oldKeyFromEnv)
      throw new UsageError('Give the old key once: --from-file or OLD_SECRET_KEY, not both.');
    if (file) return { kind: 'rotate', oldKey: parseSecretKey(readKeyFile(file), file) };
    if (oldKeyFromEnv) return { kind: 'rotate', oldKey: parseSecretKey(oldKeyFromEnv, 'OLD_SECRET_KEY') };
    // The servers' own setting during a rotation: the same environment needs no second copy of the key.
    if (previousKeyFromEnv)
      return { kind: 'rotate', oldKey: parseSecretKey(previousKeyFromEnv, 'PREVIOUS_SECRET_KEY') };
    throw new UsageError(
      'rotate-secret-key needs the old key: --from-file <file>, OLD_SECRET_KEY or PREVIOUS_SECRET_KEY.',
    );
  }
  if (command === 'client' && first === 'add' && !second)
    return { kind: 'client-add', client: parseClient(values) };
  if (command === 'client' && first === 'list' && !second) return { kind: 'client-list' };
  if (command === 'client' && first === 'remove' && second) return { kind: 'client-remove', id: second };
  if (command === 'oidc' && first === 'rotate-keys' && !second) return { kind: 'rotate-keys' };
  throw new UsageError(`Unknown command: ${positionals.join(' ')}`);
}

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the old key file ${file}.`);
  }
}

/** Re-encrypts stored secrets from the old key to the current one and prints what it did per column. */
async function rotate(oldKey: Buffer): Promise<number> {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const database = openDatabase(config.databaseUrl, config.dataDir);
  try {
    await migrateToLatest(database.db);
    const counts = await rotateSecretKey({
      db: database.db,
      dialect: database.dialect,
      oldKey,
      currentKey: loadOrCreateSecretKey(config.secretKey, config.dataDir, cryptoRandom),
      random: cryptoRandom,
    });
    for (const c of counts) {
      console.log(
        `${c.column}: ${c.reEncrypted} re-encrypted, ${c.alreadyCurrent} already on the current key, ` +
          `${c.otherKey} sealed with another key, ${c.unreadable} unreadable`,
      );
    }
    const left = counts.reduce((sum, c) => sum + c.otherKey + c.unreadable, 0);
    if (left > 0) {
      console.error(
        `${left} value(s) could not be re-encrypted with the old key given; they were left as they are.`,
      );
      return 1;
    }
    return 0;
  } finally {
    await database.db.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      note: { type: 'string' },
      status: { type: 'string' },
      'from-file': { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-uri': { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
      'launch-url': { type: 'string' },
      public: { type: 'boolean' },
      'first-party': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(usage);
    return values.help ? 0 : 64;
  }
  const command = parseCommand(
    positionals,
    values,
    process.env.OLD_SECRET_KEY || undefined,
    process.env.PREVIOUS_SECRET_KEY || undefined,
  );
  if (command.kind === 'rotate') return rotate(command.oldKey);

  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const database = openDatabase(config.databaseUrl, config.dataDir);
  await migrateToLatest(database.db);
  const api = await buildApp({ config, database, logger: pino({ level: config.logLevel }) });
  const operator = process.env.SUDO_USER ?? userInfo().username;
  try {
    switch (command.kind) {
      case 'role': {
        const outcome = await setRole(
          api.context,
          command.email,
          command.role,
          command.granted,
          `operator:${operator}`,
        );
        const change = command.granted ? 'granted' : 'revoked';
        console.log(
          `${command.email}: ${command.role} role ${change}${outcome === 'unchanged' ? ' (no change)' : ''}.`,
        );
        return 0;
      }
      case 'list': {
        const requests = await new MfaResets(api.context).list(command.status);
        if (requests.length === 0) console.log('No MFA reset requests.');
        // Everything a user typed is printed quoted and escaped: a reason must not forge a line, a
        // request or a terminal escape sequence in the operator's output (docs/security.md 35).
        for (const r of requests) {
          console.log(
            `${r.id}  ${r.status.padEnd(8)}  ${r.createdAt}  ${untrusted(r.email)} ${untrusted(`${r.firstName} ${r.lastName}`)}\n    reason: ${untrusted(r.reason)}`,
          );
          if (r.decidedBy)
            console.log(`    decided by ${r.decidedBy} at ${r.decidedAt}: ${untrusted(r.note ?? '')}`);
        }
        return 0;
      }
      case 'decide': {
        const decided = await new MfaResets(api.context).decide(command.id, command.decision, command.note, {
          kind: 'operator',
          name: operator,
        });
        await api.worker.drain();
        console.log(
          `Request ${decided.id} of ${decided.email}: ${decided.status}. The user has been mailed.`,
        );
        return 0;
      }
      case 'delete': {
        await api.deletion.deleteBySupport(command.email, command.note, operator);
        await api.worker.drain();
        console.log(`${untrusted(command.email)}: account deleted. The owner has been mailed.`);
        return 0;
      }
      case 'client-add': {
        if (await api.clients.find(command.client.id))
          throw new UsageError(`A client ${command.client.id} exists already.`);
        const { secret } = await api.clients.add(command.client);
        const added = await api.clients.find(command.client.id);
        console.log(JSON.stringify({ ...added, ...(secret ? { clientSecret: secret } : {}) }, null, 2));
        return 0;
      }
      case 'client-list':
        console.log(JSON.stringify(await api.clients.list(), null, 2));
        return 0;
      case 'client-remove': {
        if (!(await api.clients.remove(command.id))) {
          console.error(`No client ${command.id}.`);
          return 1;
        }
        console.log(`Client ${command.id} removed: it can no longer sign anyone in or use its tokens.`);
        return 0;
      }
      case 'rotate-keys': {
        const rotated = await api.signingKeys.rotate();
        console.log(
          `Signing keys generation ${rotated.generation}: ${rotated.kids.join(', ')}. Restart the API instances ` +
            'to sign with them; the previous keys stay published until their tokens have expired.',
        );
        return 0;
      }
    }
  } finally {
    await api.close();
    await database.db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
    else if (error instanceof ApiError || error instanceof ConfigError) console.error(error.message);
    else console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof UsageError ? 64 : 1);
  },
);
