import '../scripts/require-supported-node'; // first: refuses an unsupported Node before anything else loads
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import pino from 'pino';
import { normaliseEmail } from '../common/domain/email';
import { buildApp } from '../server/app';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/db/connect';
import { migrateToLatest } from '../server/db/migrate';
import { factorStore } from '../server/mfa/factor-store';
import { newTotpSecret } from '../server/mfa/totp';
import { newId } from '../server/support/random';
import { SecretBox } from '../server/support/secret-key';

/**
 * `npm run bench:portal`: complete browserless sign-ins through the WEM Login Portal per second
 * (authorize → password → TOTP → continue → code → token, each step an HTTP request through the API's
 * full stack) divided by argon2id verifications per second, both on SQLite, in this one process, with
 * the same number in flight. A sign-in verifies one password, so the ratio is the share of a sign-in's
 * cost that is the password hash; target ≥ 0.8 (bench/README.md, "Login portal").
 *
 * BENCH_SECONDS (default 15) per measurement, BENCH_CONCURRENCY (default 4, libuv's thread pool).
 */

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const publicUrl = 'http://127.0.0.1:4300';
const redirectUri = 'https://modeler.example.test/callback';
const password = 'violet harbour lantern quay';

const dataDir = mkdtempSync(path.join(tmpdir(), 'wem-bench-portal-'));
const secretKey = randomBytes(32);
const config = loadConfig({
  DATA_DIR: dataDir,
  DATABASE_URL: `sqlite:${path.join(dataDir, 'bench.sqlite')}`,
  PUBLIC_URL: publicUrl,
  SECRET_KEY: secretKey.toString('base64'),
  LOG_LEVEL: 'silent',
});
const database = openDatabase(config.databaseUrl, config.dataDir);
await migrateToLatest(database.db);
const api = await buildApp({ config, database, logger: pino({ level: 'silent' }) });
await api.clients.add({
  id: 'bench',
  name: 'Bench',
  redirectUris: [redirectUri],
  postLogoutRedirectUris: [],
  public: true,
  firstParty: true,
  backchannelLogoutUri: undefined,
  launchUrl: undefined,
});

/** Accounts as enrollment leaves them, one per sign-in (a TOTP step is accepted once per factor). */
async function seed(count: number): Promise<{ email: string; factorId: string; seed: string }[]> {
  const { context } = api;
  const hash = await context.hasher.hash(password);
  const seeds = new SecretBox(secretKey, 'totp', context.random);
  const now = context.clock.now();
  const accounts = Array.from({ length: count }, (_, n) => ({
    id: newId(context.random),
    email: `bench-${n}@example.com`,
    factorId: newId(context.random),
    seed: newTotpSecret((size) => context.random.bytes(size)),
  }));
  for (let start = 0; start < count; start += 400) {
    const batch = accounts.slice(start, start + 400);
    await context.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('accounts')
        .values(
          batch.map((a) => ({
            id: a.id,
            email: a.email,
            email_normalized: normaliseEmail(a.email),
            first_name: 'Bench',
            last_name: 'Mark',
            company: null,
            locale: 'en',
            password_hash: hash,
            created_at: now,
            activated_at: now,
            updated_at: now,
          })),
        )
        .execute();
      await factorStore.insert(
        trx,
        batch.map((a) =>
          factorStore.activeRow(a.id, now, {
            id: a.factorId,
            type: 'totp',
            label: 'Authenticator app',
            secret: seeds.seal(a.seed),
          }),
        ),
      );
    });
  }
  return accounts;
}

/** One request with a cookie jar, through the API's full HTTP stack (Fastify's inject, no socket). */
async function send(
  jar: Map<string, string>,
  method: 'GET' | 'POST',
  url: string,
  body?: { json?: unknown; form?: Record<string, string> },
) {
  const target = new URL(url, publicUrl);
  const response = await api.app.inject({
    method,
    url: target.pathname + target.search,
    headers: {
      host: target.host,
      cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
      ...(body?.json !== undefined
        ? { 'content-type': 'application/json', 'x-wem-portal': '1', origin: publicUrl }
        : body?.form
          ? { 'content-type': 'application/x-www-form-urlencoded' }
          : {}),
    },
    ...(body?.json !== undefined
      ? { payload: JSON.stringify(body.json) }
      : body?.form
        ? { payload: new URLSearchParams(body.form).toString() }
        : {}),
  });
  const setCookie = response.headers['set-cookie'];
  for (const line of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const value = pair.slice(eq + 1);
    if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(pair.slice(0, eq));
    else jar.set(pair.slice(0, eq), value);
  }
  const location = response.headers.location;
  return {
    status: response.statusCode,
    body: response.body,
    location: typeof location === 'string' ? location : '',
  };
}

/** Follows redirects inside the portal; returns where the browser lands. */
async function follow(jar: Map<string, string>, url: string): Promise<string> {
  let current = url;
  for (let hop = 0; hop < 10; hop++) {
    const target = new URL(current, publicUrl);
    if (target.origin !== publicUrl || target.pathname === '/portal/') return target.href;
    const answer = await send(jar, 'GET', target.href);
    if (!answer.location) throw new Error(`stopped at ${target.href}: ${answer.status}`);
    current = new URL(answer.location, target).href;
  }
  throw new Error('too many redirects');
}

async function signIn(account: { email: string; factorId: string; seed: string }): Promise<void> {
  const jar = new Map<string, string>();
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/oidc/auth', publicUrl);
  authorize.search = new URLSearchParams({
    client_id: 'bench',
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid email',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
  }).toString();
  const page = new URL(await follow(jar, authorize.href));
  const uid = page.searchParams.get('interaction');
  const start = await send(jar, 'POST', '/portal/api/login.start', {
    json: { email: account.email, password },
  });
  if (!start.body.includes('mfa_required')) throw new Error(`login.start: ${start.body}`);
  await send(jar, 'POST', '/portal/api/login.challenge', { json: { factorId: account.factorId } });
  const code = await generate({ secret: account.seed });
  const verified = await send(jar, 'POST', '/portal/api/login.verify', {
    json: { factorId: account.factorId, code, trustDevice: false },
  });
  if (!verified.body.includes('authenticated')) throw new Error(`login.verify: ${verified.body}`);
  const callback = new URL(await follow(jar, `/portal/interaction/${uid}/continue`));
  const token = await send(jar, 'POST', '/oidc/token', {
    form: {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: 'bench',
    },
  });
  if (token.status !== 200) throw new Error(`token: ${token.status} ${token.body}`);
}

/** `concurrency` loops running `work` back to back for `seconds`; completions per second. */
async function rate(work: () => Promise<void>): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await work();
        done++;
      }
    }),
  );
  return done / seconds;
}

try {
  // Enough accounts that no account signs in twice within one TOTP step.
  const accounts = await seed(4000);
  let next = 0;
  const take = () => {
    const account = accounts[next++ % accounts.length];
    if (!account) throw new Error('no account');
    return account;
  };
  await signIn(take()); // warm-up: keys, compiled queries
  const signIns = await rate(() => signIn(take()));
  const stored = await api.context.hasher.hash(password);
  const verifies = await rate(async () => {
    if (!(await api.context.hasher.verify(stored, password))) throw new Error('argon2 refused its own hash');
  });
  const ratio = signIns / verifies;
  console.log(
    `portal sign-ins ${signIns.toFixed(1)}/s ÷ argon2id verifies ${verifies.toFixed(1)}/s = ${ratio.toFixed(2)} ` +
      `(target ≥ 0.8: ${ratio >= 0.8 ? 'met' : 'missed'}; ${concurrency} in flight, ${seconds} s each, SQLite)`,
  );
} finally {
  await api.close();
  await database.db.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
