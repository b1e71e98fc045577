import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { buildApp, type AccountApi, type AppOptions } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import { openDatabase, type Dialect, type DatabaseHandle } from '../../server/db/connect';
import { migrateToLatest } from '../../server/db/migrate';
import { smtpTransport, type MailTransport } from '../../server/delivery/transports';
import type { SmsProvider } from '../../server/delivery/sms';
import { FixedClock } from '../../server/support/clock';
import { createTestDatabase, type TestDatabase } from './postgres';
import { SmtpPeer, activationTokenIn, type ReceivedMail } from './smtp-peer';

export const dialects: Dialect[] = ['sqlite', 'postgres'];

/** A fresh database of either dialect: a temporary SQLite file, or a new database on the test server. */
export async function freshDatabase(
  dialect: Dialect,
  dataDir: string,
): Promise<{ handle: DatabaseHandle; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const handle = openDatabase(`sqlite:${path.join(dataDir, 'test.sqlite')}`, dataDir);
    await migrateToLatest(handle.db);
    return { handle, drop: () => handle.db.destroy() };
  }
  const pgDatabase: TestDatabase = await createTestDatabase();
  const handle = openDatabase(pgDatabase.url, dataDir);
  await migrateToLatest(handle.db);
  return {
    handle,
    drop: async () => {
      await handle.db.destroy();
      await pgDatabase.drop();
    },
  };
}

/** Parsed JSON, as loosely typed as JSON.parse gives it: tests inspect it with expect(). */
export type JsonResponse = ReturnType<typeof JSON.parse>;

export interface TestApi {
  api: AccountApi;
  clock: FixedClock;
  config: Config;
  smtp: SmtpPeer;
  db: DatabaseHandle['db'];
  dialect: Dialect;
  dataDir: string;
  /**
   * Sends a JSON request through Fastify's inject (the full HTTP stack, no socket), from 127.0.0.1 or
   * from `from` (the client address the API sees).
   */
  request(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
    from?: string,
  ): Promise<{ status: number; body: JsonResponse; headers: Record<string, unknown> }>;
  /** Delivers queued mail to the SMTP peer and returns what the address has received so far. */
  mailsTo(address: string): Promise<ReceivedMail[]>;
  signup(overrides?: Partial<SignupFields>): Promise<SignupFields>;
  /** Signup plus activation through the mailed link. */
  activeAccount(overrides?: Partial<SignupFields>): Promise<SignupFields>;
  close(): Promise<void>;
}

export interface SignupFields {
  firstName: string;
  lastName: string;
  email: string;
  password: string;
  company?: string;
  locale?: 'en' | 'nl';
  acceptTerms: true;
}

/** One JSON request through Fastify's inject, parsed loosely; HTML and empty bodies stay text. */
export async function injectJson(
  api: AccountApi,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  from = '127.0.0.1',
): Promise<{ status: number; body: JsonResponse; headers: Record<string, unknown> }> {
  const response = await api.app.inject({
    method: method as 'GET',
    url,
    remoteAddress: from,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  let parsed: JsonResponse = response.body;
  try {
    parsed = response.body ? JSON.parse(response.body) : undefined;
  } catch {
    // HTML pages and empty bodies stay as text.
  }
  return { status: response.statusCode, body: parsed, headers: response.headers };
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${process.pid}.${counter}@example.net`;
}

export interface TestApiOptions {
  env?: Record<string, string>;
  mailTransport?: MailTransport;
  /** Defaults to the outbox folder in the test's DATA_DIR; tests that read texted codes pass their own. */
  smsProvider?: SmsProvider;
  /** Defaults to a silent logger; the secrets-in-logs test passes one that keeps every line. */
  logger?: Logger;
  /** The OpenID provider's outgoing requests (back-channel logout). */
  oidcFetch?: AppOptions['oidcFetch'];
}

/** One account API on a fresh database with a fixed clock, a real SMTP peer and real argon2id. */
export async function startTestApi(dialect: Dialect, options: TestApiOptions = {}): Promise<TestApi> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wem-test-'));
  const smtp = new SmtpPeer();
  await smtp.start();
  const database = await freshDatabase(dialect, dataDir);
  const config = loadConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://127.0.0.1:4300',
    MAIL_URL: smtp.url,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const clock = new FixedClock();
  const api = await buildApp({
    config,
    database: database.handle,
    clock,
    logger: options.logger ?? pino({ level: 'silent' }),
    mailTransport: options.mailTransport ?? smtpTransport(smtp.url),
    ...(options.smsProvider ? { smsProvider: options.smsProvider } : {}),
    ...(options.oidcFetch ? { oidcFetch: options.oidcFetch } : {}),
  });

  const harness: TestApi = {
    api,
    clock,
    config,
    smtp,
    db: database.handle.db,
    dialect,
    dataDir,
    request: (method, url, body, headers, from) => injectJson(api, method, url, body, headers, from),
    async mailsTo(address) {
      await api.worker.drain();
      return smtp.to(address);
    },
    async signup(overrides = {}) {
      const fields: SignupFields = {
        firstName: 'Jane',
        lastName: 'Doe',
        email: uniqueEmail(),
        password: 'violet-harbour-lantern-42',
        acceptTerms: true,
        ...overrides,
      };
      const response = await harness.request('POST', '/v1/accounts', fields);
      if (response.status !== 202)
        throw new Error(`signup failed: ${response.status} ${JSON.stringify(response.body)}`);
      return fields;
    },
    async activeAccount(overrides = {}) {
      const fields = await harness.signup(overrides);
      const [mail] = await harness.mailsTo(fields.email);
      if (!mail) throw new Error('no activation mail');
      const response = await harness.request('POST', '/v1/activation', { token: activationTokenIn(mail) });
      if (response.status !== 200)
        throw new Error(`activation failed: ${response.status} ${JSON.stringify(response.body)}`);
      return fields;
    },
    async close() {
      await api.close();
      await database.drop();
      await smtp.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * Runs a suite once per database dialect, each test on a fresh API and database:
 * `forEachDialect('activation', (t) => { it('…', async () => { await t().request(…) }) })`.
 */
export function forEachDialect(
  name: string,
  body: (api: () => TestApi) => void,
  options: TestApiOptions = {},
): void {
  for (const dialect of dialects) {
    describe(`${name} [${dialect}]`, () => {
      let current: TestApi | undefined;
      beforeEach(async () => {
        current = await startTestApi(dialect, options);
      });
      afterEach(async () => {
        await current?.close();
        current = undefined;
      });
      body(() => {
        if (!current) throw new Error('test API not started');
        return current;
      });
    });
  }
}

export { afterAll, beforeAll };
