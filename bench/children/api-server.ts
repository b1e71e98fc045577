import { Session } from 'node:inspector/promises';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { maskEmail, normaliseEmail } from '../../common/domain/email';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { openDatabase } from '../../server/db/connect';
import { migrateToLatest } from '../../server/db/migrate';
import type { Database } from '../../server/db/schema';
import { Sessions } from '../../server/sessions/sessions';
import { MfaFlows } from '../../server/mfa/flows';
import { OneTimeCodes } from '../../server/mfa/one-time-codes';
import { newTotpSecret } from '../../server/mfa/totp';
import { deriveKey, SecretBox } from '../../server/support/secret-key';
import { newId } from '../../server/support/random';
import { serveJobs } from '../lib/processes';
import { cpuShares } from '../lib/profile';
import { factorStore } from '../../server/mfa/factor-store';
import { accountStore } from '../../server/accounts/account-store';

/**
 * The account API under test, in a process of its own (pinned by the parent): configured from the
 * environment exactly as `npm run server` is (DATABASE_URL picks SQLite file, SQLite :memory: or
 * PostgreSQL; LOG_LEVEL stays at its default), with the outbox worker running. Before a figure it
 * seeds what the load needs straight into its own database, through the server's own classes where
 * one exists, so the measured requests are the only requests that pay for argon2.
 */

const job = z.discriminatedUnion('kind', [
  /** Active accounts with an authenticator app: their password login answers mfa_required. */
  z.object({ kind: z.literal('seed-logins'), count: z.number().int().positive(), password: z.string() }),
  /** One open login flow per factor type and account, and the mailed code of each email flow. */
  z.object({ kind: z.literal('seed-verifies'), count: z.number().int().positive() }),
  /** A signed-in account with two factors, for GET /v1/me. */
  z.object({ kind: z.literal('seed-session') }),
  /** A CPU profile of this process around a load, reduced to shares by library (bench/lib/profile.ts). */
  z.object({ kind: z.literal('profile-start') }),
  z.object({ kind: z.literal('profile-stop') }),
]);

const config = loadConfig(process.env);
if (!config.secretKey) throw new Error('the benchmark sets SECRET_KEY so that it can seal TOTP seeds');
const opened = openDatabase(config.databaseUrl, config.dataDir);
await migrateToLatest(opened.db);
/** Statements run and requests answered while a profiled pass counts them (profile-start … stop). */
let counts: { statements: number; requests: number } | undefined;
const database = {
  ...opened,
  // Every statement, compiled per shape or not, passes through transformResult once.
  db: opened.db.withPlugin({
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      if (counts) counts.statements += 1;
      return args.result;
    },
  }),
};
const api = await buildApp({ config, database, startWorker: true });
api.app.server.on('request', () => {
  if (counts) counts.requests += 1;
});
const { context } = api;
const db: Kysely<Database> = context.db;
const masterKey = Buffer.from(config.secretKey, 'base64');
const seeds = new SecretBox(masterKey, 'totp', context.random);
const flows = new MfaFlows(context);
const codes = new OneTimeCodes(context, deriveKey(masterKey, 'one-time-codes'));
const run = newId(context.random)
  .replace(/[^A-Za-z0-9]/g, '')
  .slice(0, 8)
  .toLowerCase();
let seeded = 0;
const knownPassword = 'violet harbour lantern quay';
const knownHash = context.hasher.hash(knownPassword);
const inspector = new Session();
inspector.connect();

interface SeededAccount {
  id: string;
  email: string;
  totp: { id: string; seed: string };
  mail: { id: string };
}

/** Accounts as signup + activation + enrollment leave them, written in batches. */
async function seedAccounts(count: number, passwordHash: string): Promise<SeededAccount[]> {
  const now = context.clock.now();
  const made: SeededAccount[] = [];
  for (let start = 0; start < count; start += 400) {
    const batch = Array.from({ length: Math.min(400, count - start) }, () => {
      const email = `bench-${run}-${++seeded}@example.com`;
      return {
        id: newId(context.random),
        email,
        totp: { id: newId(context.random), seed: newTotpSecret((n) => context.random.bytes(n)) },
        mail: { id: newId(context.random) },
      };
    });
    const factor = (accountId: string, values: Parameters<typeof factorStore.activeRow>[2]) =>
      factorStore.activeRow(accountId, now, values);
    await db.transaction().execute(async (trx) => {
      await accountStore.insert(
        trx,
        batch.map((account) => ({
          id: account.id,
          email: account.email,
          email_normalized: normaliseEmail(account.email),
          first_name: 'Bench',
          last_name: 'Mark',
          company: null,
          locale: 'en',
          password_hash: passwordHash,
          created_at: now,
          activated_at: now,
          updated_at: now,
        })),
      );
      await factorStore.insert(
        trx,
        batch.flatMap((account) => [
          factor(account.id, {
            id: account.totp.id,
            type: 'totp',
            label: 'Authenticator app',
            secret: seeds.seal(account.totp.seed),
          }),
          factor(account.id, {
            id: account.mail.id,
            type: 'email',
            label: maskEmail(account.email),
            target: account.email,
          }),
        ]),
      );
    });
    made.push(...batch);
  }
  return made;
}

async function handle(raw: unknown): Promise<unknown> {
  const request = job.parse(raw);
  switch (request.kind) {
    case 'seed-logins': {
      const hash = await context.hasher.hash(request.password);
      const accounts = await seedAccounts(request.count, hash);
      return { emails: accounts.map((account) => account.email) };
    }
    case 'seed-verifies': {
      const accounts = await seedAccounts(request.count, await knownHash);
      const totp: { loginId: string; factorId: string; seed: string }[] = [];
      const email: { loginId: string; factorId: string; code: string }[] = [];
      // Flows live 15 minutes and codes 10: seeded right before the figure that uses them.
      await db.transaction().execute(async (trx) => {
        for (const account of accounts) {
          const totpFlow = await flows.create(trx, 'login', account.id);
          totp.push({ loginId: totpFlow.id, factorId: account.totp.id, seed: account.totp.seed });
          const mailFlow = await flows.create(trx, 'login', account.id);
          const issued = await codes.issue(trx, mailFlow.id, account.mail.id);
          email.push({ loginId: mailFlow.id, factorId: account.mail.id, code: issued.code });
        }
      });
      return { totp, email };
    }
    case 'profile-start':
      await inspector.post('Profiler.enable');
      // Finer than the 1 ms default: under logins the main thread is busy only a few percent of the time.
      await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
      await inspector.post('Profiler.start');
      counts = { statements: 0, requests: 0 };
      return {};
    case 'profile-stop': {
      const { profile } = await inspector.post('Profiler.stop');
      await inspector.post('Profiler.disable');
      const counted = counts ?? { statements: 0, requests: 0 };
      counts = undefined;
      return { ...cpuShares(profile), ...counted };
    }
    case 'seed-session': {
      const [account] = await seedAccounts(1, await knownHash);
      if (!account) throw new Error('no account seeded');
      const session = await new Sessions(context).create(db, account.id, {
        scope: 'full',
        privilegedUntil: null,
      });
      return { token: session.token };
    }
  }
}

await api.app.listen({ port: 0, host: '127.0.0.1' });
const address = api.app.server.address();
if (address === null || typeof address === 'string') throw new Error('the API listens on no TCP port');

const stop = async () => {
  await api.close();
  await database.db.destroy();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
serveJobs(handle, {
  url: `http://127.0.0.1:${address.port}`,
  dialect: database.dialect,
  database: database.description,
});
