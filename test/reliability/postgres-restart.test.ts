import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTemporaryPostgres, type TemporaryPostgres } from '../../scripts/pg-temp';
import { buildApp, type AccountApi } from '../../server/app';
import { loadConfig } from '../../server/config';
import { openDatabase, type DatabaseHandle, type DatabaseTimeouts } from '../../server/db/connect';
import { migrateToLatest } from '../../server/db/migrate';
import { uniqueEmail } from '../helpers/harness';
import { SmtpPeer, activationTokenIn } from '../helpers/smtp-peer';
import { FreezableProxy } from '../helpers/tcp-proxy';
import { call, contractProblem, loadLoop, tally, type Answer, type Call } from '../helpers/traffic';

// Issue 8: PostgreSQL restarted, crashed or cut off under load. One API process keeps serving parallel
// mixed requests from 127.0.0.1 while its database goes away: every request answers within a bound,
// with a success, a contract 4xx or 503 service_unavailable (never a 500), and /readyz says 503; once
// the database is back (same port, same data), the same process serves again without a restart.

/** No request may take longer than this while PostgreSQL is down: the pool gives up connecting after 5 s. */
const answerDeadlineMs = 7_000;
/** How long the API may take to be ready again once PostgreSQL accepts connections. */
const recoveryDeadlineMs = 10_000;
/** Short limits for the partition case, so that it shows the bound without waiting the default 10 s. */
const partitionTimeouts: DatabaseTimeouts = { connectMs: 1_000, statementMs: 1_500 };
/**
 * Without any answer, a request fails on its first statement: at most 1 s for a connection, then the
 * statement limit + 2 s, after which the connection is closed (so a rollback on it fails at once).
 */
const partitionDeadlineMs = 6_000;
const workers = 4;
const password = 'violet-harbour-lantern-42';

type Phase = 'up' | 'failing' | 'down' | 'returning' | 'recovering' | 'recovered';

interface Sent {
  /** The phase when the request was sent and when its answer came. */
  phases: [Phase, Phase];
  call: Call;
  answer: Answer;
}

interface Member {
  email: string;
  token: string;
}

/** One API process on a database URL, with its worker running and a few signed-in accounts. */
interface Instance {
  api: AccountApi;
  database: DatabaseHandle;
  baseUrl: string;
  members: Member[];
  /** Lines the API logged at warn level or above: shown when an assertion fails. */
  log: string[];
  close(): Promise<void>;
}

let postgres: TemporaryPostgres;
let smtp: SmtpPeer;
let dataDir: string;

async function startInstance(databaseUrl: string, timeouts?: DatabaseTimeouts): Promise<Instance> {
  const database = openDatabase(databaseUrl, dataDir, timeouts);
  await migrateToLatest(database.db);
  const log: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.push(chunk.toString().slice(0, 600));
      done();
    },
  });
  const api = await buildApp({
    // Behind a proxy, each simulated client has its own address (per-address limits see many people).
    config: loadConfig({ DATA_DIR: dataDir, MAIL_URL: smtp.url, TRUST_PROXY: 'true' }),
    database,
    logger: pino({ level: 'warn' }, logStream),
    startWorker: true,
    workerPollMs: 200,
  });
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  const instance: Instance = {
    api,
    database,
    baseUrl,
    members: [],
    log,
    async close() {
      await api.close();
      await database.db.destroy();
    },
  };
  // One account per worker: the password guard refuses a second login of an account that races the
  // first for the same attempt slot (server/login/password-guard.ts), which this test is not about.
  for (let i = 0; i < workers; i += 1) instance.members.push(await member(baseUrl));
  return instance;
}

async function member(baseUrl: string): Promise<Member> {
  const email = uniqueEmail('restart');
  const fields = { firstName: 'Pat', lastName: 'Restart', email, password, acceptTerms: true };
  const signup = await call(baseUrl, { method: 'POST', path: '/v1/accounts', body: fields }, 10_000);
  expect(signup.status).toBe(202);
  const mail = await vi.waitFor(
    () => {
      const [first] = smtp.to(email);
      if (!first) throw new Error(`no mail to ${email} yet`);
      return first;
    },
    { timeout: 10_000, interval: 50 },
  );
  const token = activationTokenIn(mail);
  const activation = await call(baseUrl, { method: 'POST', path: '/v1/activation', body: { token } }, 10_000);
  expect(activation.status).toBe(200);
  const login = await call(baseUrl, { method: 'POST', path: '/v1/login', body: { email, password } }, 10_000);
  expect(login.status).toBe(200);
  return { email, token: (login.body as { session: { token: string } }).session.token };
}

/** The mix a busy instance sees: reads, password checks, signups (writes with mail), unknown tokens, probes. */
function nextCall(members: Member[], worker: number, round: number): Call {
  const who = members[worker]!;
  const client = `10.8.${worker}.${round % 250}`;
  switch (round % 6) {
    case 0:
      return { method: 'GET', path: '/v1/me', token: who.token, client };
    case 1:
      return { method: 'POST', path: '/v1/login', body: { email: who.email, password }, client };
    case 2: {
      const email = uniqueEmail(`load${worker}`);
      const body = { firstName: 'Lee', lastName: 'Load', email, password, acceptTerms: true };
      return { method: 'POST', path: '/v1/accounts', body, client };
    }
    case 3:
      return { method: 'GET', path: '/readyz', client };
    case 4: {
      // Well-formed, so it is looked up in the database, and unknown.
      const token = `${randomBytes(12).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
      return { method: 'POST', path: '/v1/activation', body: { token }, client };
    }
    default:
      return { method: 'GET', path: '/healthz', client };
  }
}

/** Parallel traffic until stopped; each request is tagged with the phases it was sent and answered in. */
function traffic(instance: Instance, phase: () => Phase, deadlineMs: number) {
  const sent: Sent[] = [];
  const rounds = new Array<number>(workers).fill(0);
  const loop = loadLoop(workers, async (worker) => {
    const request = nextCall(instance.members, worker, rounds[worker]!++);
    const at = phase();
    const answer = await call(instance.baseUrl, request, deadlineMs);
    sent.push({ phases: [at, phase()], call: request, answer });
  });
  return { sent, ...loop };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const healthy = (phase: Phase) => phase === 'up' || phase === 'recovered';

/** Every answer by the contract; 503 only for requests that met the outage at either end. */
function contractProblems(sent: Sent[]): string[] {
  return sent.flatMap((s) => {
    const problem = contractProblem(s.answer, !s.phases.every(healthy));
    return problem ? [`${s.phases.join('->')} ${s.call.method} ${s.call.path}: ${problem}`] : [];
  });
}

function describeRun(instance: Instance, sent: Sent[]): string {
  const byPhase: Record<string, Record<string, number>> = {};
  for (const phase of new Set(sent.map((s) => s.phases[0])))
    byPhase[phase] = tally(sent.filter((s) => s.phases[0] === phase).map((s) => s.answer));
  const errors = instance.log.filter((line) => line.includes('"level":50')).slice(0, 5);
  const refusals = instance.log.filter((line) => line.includes('service unavailable')).slice(-8);
  return `${JSON.stringify(byPhase)}\nAPI errors logged:\n${errors.join('\n')}\nlast refusals:\n${refusals.join('\n')}`;
}

function readyz(instance: Instance): Promise<Answer> {
  return call(instance.baseUrl, { method: 'GET', path: '/readyz' }, answerDeadlineMs);
}

/**
 * Runs traffic through a whole outage: healthy, `fail()`, down for a while, `restore()`, until /readyz
 * is 200 again, healthy. Checks what every phase must show and returns the run for more checks.
 */
async function outage(
  instance: Instance,
  fail: () => Promise<void> | void,
  restore: () => Promise<void> | void,
  deadlineMs: number,
): Promise<{ sent: Sent[]; notReady: Answer; recoveryMs: number }> {
  // Long enough that requests sent early in the outage are answered within it.
  const downMs = Math.max(1_500, deadlineMs - 1_000);
  let phase: Phase = 'up';
  const run = traffic(instance, () => phase, deadlineMs);
  await pause(800);

  phase = 'failing';
  await fail();
  phase = 'down';
  const notReady = await readyz(instance);
  await pause(downMs);

  phase = 'returning';
  await restore();
  phase = 'recovering';
  const backAt = performance.now();
  await vi.waitFor(async () => expect((await readyz(instance)).status).toBe(200), {
    timeout: recoveryDeadlineMs,
    interval: 100,
  });
  const recoveryMs = performance.now() - backAt;
  phase = 'recovered';
  await pause(800);
  run.stop();
  await run.stopped;

  const sent = run.sent;
  const context = describeRun(instance, sent);
  expect(contractProblems(sent), context).toEqual([]);
  expect(notReady.status, context).toBe(503);
  expect(notReady.code).toBe('service_unavailable');
  expect(notReady.retryAfter).not.toBeNull();

  const during = sent.filter((s) => s.phases.every((p) => p === 'down'));
  // The outage was felt: every request that needs the database was refused with 503 …
  const needDatabase = during.filter((s) => s.call.path !== '/healthz');
  expect(needDatabase.length, context).toBeGreaterThan(0);
  for (const s of needDatabase) expect(s.answer.status, `${s.call.path} ${context}`).toBe(503);
  // … while liveness kept answering, so an orchestrator would not restart this process.
  for (const s of during.filter((s) => s.call.path === '/healthz')) expect(s.answer.status).toBe(200);

  const after = sent.filter((s) => s.phases[0] === 'recovered');
  expect(after.length, context).toBeGreaterThan(workers);
  for (const s of after) {
    // Unknown activation tokens are refused by design; everything else succeeds again.
    if (s.call.path === '/v1/activation') expect(s.answer.code, context).toBe('activation_invalid');
    else expect(s.answer.status, `${s.call.method} ${s.call.path} ${context}`).toBeLessThan(300);
  }
  // Sessions made before the outage still work.
  for (const { token } of instance.members) {
    const me = await call(instance.baseUrl, { method: 'GET', path: '/v1/me', token }, answerDeadlineMs);
    expect(me.status).toBe(200);
  }
  const slowest = Math.max(...sent.map((s) => s.answer.ms));
  expect(slowest).toBeLessThan(deadlineMs);
  process.stdout.write(
    `${sent.length} requests, slowest ${Math.round(slowest)} ms, ready ${Math.round(recoveryMs)} ms after ` +
      `the database was back; while down: ${JSON.stringify(tally(during.map((s) => s.answer)))}\n`,
  );
  return { sent, notReady, recoveryMs };
}

/**
 * Every signup answered 202 has its account (its mail was queued in the same transaction; that it goes
 * out after a crash is test/integration/crash-recovery.test.ts's subject).
 */
async function expectAcceptedSignupsKept(instance: Instance, sent: Sent[]): Promise<void> {
  const accepted = sent
    .filter((s) => s.call.path === '/v1/accounts' && s.answer.status === 202)
    .map((s) => (s.call.body as { email: string }).email);
  expect(accepted.length).toBeGreaterThan(0);
  const stored = await instance.database.db
    .selectFrom('accounts')
    .select('email')
    .where('email', 'in', accepted)
    .execute();
  expect(stored.map((row) => row.email).sort()).toEqual([...accepted].sort());
}

describe('PostgreSQL going away under load', () => {
  let direct: Instance;

  beforeAll(async () => {
    postgres = await startTemporaryPostgres({ crashSafeCommits: true });
    dataDir = mkdtempSync(path.join(tmpdir(), 'wem-pg-restart-'));
    smtp = new SmtpPeer();
    await smtp.start();
    direct = await startInstance(postgres.url);
  }, 60_000);

  afterAll(async () => {
    await direct?.close();
    await postgres?.stop();
    await smtp?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  for (const mode of ['fast', 'immediate'] as const) {
    it(`answers 503 while PostgreSQL is down (${mode} shutdown) and serves again once it is back, without a restart`, async () => {
      const { sent } = await outage(
        direct,
        () => postgres.shutDown(mode),
        () => postgres.startAgain(),
        answerDeadlineMs,
      );
      await expectAcceptedSignupsKept(direct, sent);
    }, 60_000);
  }

  it('answers 503 within a bound while PostgreSQL cannot be reached at all, and serves again when it can', async () => {
    const proxy = new FreezableProxy('127.0.0.1', Number(new URL(postgres.url).port));
    await proxy.start();
    const url = new URL(postgres.url);
    url.port = String(proxy.port);
    const cutOff = await startInstance(url.toString(), partitionTimeouts);
    try {
      const { sent } = await outage(
        cutOff,
        () => proxy.freeze(),
        () => proxy.thaw(),
        partitionDeadlineMs,
      );
      await expectAcceptedSignupsKept(cutOff, sent);
    } finally {
      await cutOff.close();
      await proxy.stop();
    }
  }, 60_000);
});
