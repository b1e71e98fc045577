import path from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { normaliseEmail } from '../../common/domain/email';
import { buildApp, type AccountApi } from '../../server/app';
import { openDatabase, type DatabaseHandle } from '../../server/db/connect';
import { smtpTransport } from '../../server/delivery/transports';
import { injectJson, type TestApi } from './harness';

/** POST /v1/login through the given instance. */
export function login(
  api: Pick<TestApi, 'request'>,
  email: string,
  password: string,
): ReturnType<TestApi['request']> {
  return api.request('POST', '/v1/login', { email, password });
}

/** Logs an activated account in and returns its session token (enrollment scope until a factor exists). */
export async function sessionTokenFor(
  t: TestApi,
  account: { email: string; password: string },
): Promise<string> {
  const response = await login(t, account.email, account.password);
  if (response.status !== 200 || typeof response.body?.session?.token !== 'string') {
    throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.session.token;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** How many wrong passwords were actually checked against the account's hash (the audit log says). */
export async function passwordChecksFailed(t: Pick<TestApi, 'db'>, email: string): Promise<number> {
  const rows = await t.db
    .selectFrom('audit_log')
    .innerJoin('accounts', 'accounts.id', 'audit_log.account_id')
    .select('audit_log.id')
    .where('accounts.email_normalized', '=', normaliseEmail(email))
    .where('audit_log.action', '=', 'login.password_failed')
    .execute();
  return rows.length;
}

export interface SecondInstance {
  api: AccountApi;
  request: TestApi['request'];
  close(): Promise<void>;
}

/**
 * A second API instance on the database of `t`, as a second server process would run it: its own
 * connection pool (PostgreSQL) or connection (SQLite), its own services, the same configuration and
 * data directory (so the same server key), and the same fixed clock.
 */
export async function secondInstance(t: TestApi): Promise<SecondInstance> {
  const handle = await openSameDatabase(t);
  const api = await buildApp({
    config: t.config,
    database: handle,
    clock: t.clock,
    logger: pino({ level: 'silent' }),
    mailTransport: smtpTransport(t.smtp.url),
  });
  return {
    api,
    request: (method, url, body, headers, from) => injectJson(api, method, url, body, headers, from),
    async close() {
      await api.close();
      await handle.db.destroy();
    },
  };
}

async function openSameDatabase(t: TestApi): Promise<DatabaseHandle> {
  if (t.dialect === 'postgres') {
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(t.db);
    const server = process.env.TEST_DATABASE_URL;
    if (!server || !rows[0]) throw new Error('cannot find the PostgreSQL database of the first instance');
    const url = new URL(server);
    url.pathname = `/${rows[0].name}`;
    return openDatabase(url.toString(), t.dataDir);
  }
  const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(t.db);
  const main = rows.find((row) => row.name === 'main');
  if (!main?.file) throw new Error('cannot find the SQLite file of the first instance');
  return openDatabase(`sqlite:${path.resolve(main.file)}`, t.dataDir);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs `action` and returns its result with the wall time it took, in milliseconds. */
export async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = process.hrtime.bigint();
  const result = await action();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}
