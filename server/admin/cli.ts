// `npm run admin -- <command>`: what operators do by hand, against the database the API uses (same
// environment as `npm run server`). Decisions are the same as the support API's and audited as
// "operator:<login name>". Queued mail is delivered before the command exits.
//
//   grant-role <email> support        revoke-role <email> support
//   mfa-reset list [--status pending|approved|denied]
//   mfa-reset approve <id> --note "<text>"      mfa-reset deny <id> --note "<text>"
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp } from '../app';
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { ApiError } from '../http/api-error';
import { MfaResets } from './mfa-resets';
import { roles, setRole, type Role } from './roles';

const usage = `Usage: npm run admin -- <command>
  grant-role <email> support
  revoke-role <email> support
  mfa-reset list [--status pending|approved|denied]
  mfa-reset approve <request id> --note "<text>"
  mfa-reset deny <request id> --note "<text>"`;

class UsageError extends Error {}

function isRole(value: string | undefined): value is Role {
  return roles.some((role) => role === value);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { note: { type: 'string' }, status: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length === 0) {
    console.log(usage);
    return values.help ? 0 : 64;
  }

  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const database = openDatabase(config.databaseUrl, config.dataDir);
  await migrateToLatest(database.db);
  const api = await buildApp({ config, database, logger: pino({ level: config.logLevel }) });
  const operator = `operator:${process.env.SUDO_USER ?? userInfo().username}`;
  try {
    const [command, ...rest] = positionals;
    if (command === 'grant-role' || command === 'revoke-role') {
      const [email, role] = rest;
      if (!email || !isRole(role))
        throw new UsageError(`${command} needs an email address and a role (${roles.join(', ')}).`);
      const granted = command === 'grant-role';
      const outcome = await setRole(api.context, email, role, granted, operator);
      console.log(
        `${email}: ${role} role ${granted ? 'granted' : 'revoked'}${outcome === 'unchanged' ? ' (no change)' : ''}.`,
      );
      return 0;
    }
    if (command === 'mfa-reset') {
      const [action, id] = rest;
      const resets = new MfaResets(api.context);
      if (action === 'list') {
        const status = values.status;
        if (status !== undefined && status !== 'pending' && status !== 'approved' && status !== 'denied') {
          throw new UsageError('--status is pending, approved or denied.');
        }
        const requests = await resets.list(status);
        if (requests.length === 0) console.log('No MFA reset requests.');
        for (const r of requests) {
          console.log(
            `${r.id}  ${r.status.padEnd(8)}  ${r.createdAt}  ${r.email} (${r.firstName} ${r.lastName})\n    reason: ${r.reason}`,
          );
          if (r.decidedBy) console.log(`    decided by ${r.decidedBy} at ${r.decidedAt}: ${r.note ?? ''}`);
        }
        return 0;
      }
      if ((action === 'approve' || action === 'deny') && id) {
        if (!values.note?.trim())
          throw new UsageError(`mfa-reset ${action} needs --note "<text>" for the audit log and the user.`);
        const decided = await resets.decide(id, action, values.note.trim(), {
          kind: 'operator',
          name: operator.slice('operator:'.length),
        });
        await api.worker.drain();
        console.log(
          `Request ${decided.id} of ${decided.email}: ${decided.status}. The user has been mailed.`,
        );
        return 0;
      }
    }
    throw new UsageError(`Unknown command: ${positionals.join(' ')}`);
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
