import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApi, uniqueEmail, type TestApi } from '../helpers/harness';
import {
  expectContractError,
  expectPageOrContractError,
  formHeaders,
  jsonHeaders,
  SeededRandom,
  sendRaw,
  snapshotTables,
  type RawRequest,
  type RawResponse,
} from '../helpers/http-robustness';

/**
 * docs/security.md 30: malformed, oversized and unicode-tricky input on every endpoint is a 4xx with an
 * error code from the catalogue, never a 5xx, and never changes a row.
 */

type FieldKind = 'name' | 'company' | 'email' | 'password' | 'token' | 'terms' | 'locale';

interface Field {
  name: string;
  kind: FieldKind;
  required: boolean;
}

interface BodyEndpoint {
  url: string;
  /** The activation pages answer a browser: their refusals may be HTML pages. */
  page: boolean;
  /** Sent with the seeded session, so a request that got through would revoke or touch it. */
  authenticated: boolean;
  /** No body at all is a valid request; Fastify hands it on as null, so a JSON `null` is one too. */
  optionalBody?: boolean;
  fields: Field[];
  /** A body the endpoint's schema accepts (which may still be refused later, like an unknown token). */
  valid(): Record<string, unknown>;
}

const unknownToken = `${'A'.repeat(16)}.${'B'.repeat(43)}`;

const bodyEndpoints: BodyEndpoint[] = [
  {
    url: '/v1/accounts',
    page: false,
    authenticated: false,
    fields: [
      { name: 'firstName', kind: 'name', required: true },
      { name: 'lastName', kind: 'name', required: true },
      { name: 'email', kind: 'email', required: true },
      { name: 'password', kind: 'password', required: true },
      { name: 'company', kind: 'company', required: false },
      { name: 'locale', kind: 'locale', required: false },
      { name: 'acceptTerms', kind: 'terms', required: true },
    ],
    valid: () => ({
      firstName: 'Jane',
      lastName: 'Doe',
      email: uniqueEmail('fuzz'),
      password: 'violet-harbour-lantern-42',
      company: 'WEM',
      locale: 'en',
      acceptTerms: true,
    }),
  },
  {
    url: '/v1/activation',
    page: false,
    authenticated: false,
    fields: [{ name: 'token', kind: 'token', required: true }],
    valid: () => ({ token: unknownToken }),
  },
  {
    url: '/v1/activation/resend',
    page: false,
    authenticated: false,
    fields: [{ name: 'email', kind: 'email', required: true }],
    valid: () => ({ email: uniqueEmail('fuzz') }),
  },
  {
    url: '/v1/login',
    page: false,
    authenticated: false,
    fields: [
      { name: 'email', kind: 'email', required: true },
      { name: 'password', kind: 'password', required: true },
      { name: 'deviceToken', kind: 'token', required: false },
    ],
    valid: () => ({ email: uniqueEmail('fuzz'), password: 'violet-harbour-lantern-42' }),
  },
  {
    url: '/v1/logout',
    page: false,
    authenticated: true,
    optionalBody: true,
    fields: [{ name: 'deviceToken', kind: 'token', required: false }],
    valid: () => ({ deviceToken: unknownToken }),
  },
  {
    url: '/activate',
    page: true,
    authenticated: false,
    fields: [{ name: 'token', kind: 'token', required: false }],
    valid: () => ({ token: unknownToken }),
  },
  {
    url: '/activate/resend',
    page: true,
    authenticated: false,
    fields: [{ name: 'email', kind: 'email', required: false }],
    valid: () => ({ email: uniqueEmail('fuzz') }),
  },
];

const jsonEndpoints = bodyEndpoints.filter((e) => !e.page);

/** Every route and its method, to try every other method on it. */
const routes: { method: string; url: string }[] = [
  ...bodyEndpoints.map((e) => ({ method: 'POST', url: e.url })),
  { method: 'GET', url: '/v1/me' },
  { method: 'PATCH', url: '/v1/me' },
  { method: 'DELETE', url: '/v1/me' },
  { method: 'GET', url: '/activate' },
  { method: 'GET', url: '/healthz' },
  { method: 'GET', url: '/openapi.json' },
];

interface Seeded {
  /** A live session of an active account: authenticated endpoints get it. */
  authorization: string;
}

/**
 * Rows in every table before the refusals: an active account with a session (its password guard, audit
 * rows and sent mail) and a second account still waiting for activation.
 */
async function seed(t: TestApi): Promise<Seeded> {
  const account = await t.activeAccount();
  await t.signup();
  await t.mailsTo('nobody@example.net');
  const login = await t.request('POST', '/v1/login', { email: account.email, password: account.password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  return { authorization: `Bearer ${login.body.session.token}` };
}

function postTo(
  endpoint: BodyEndpoint,
  seeded: Seeded,
  payload: string,
  headers: Record<string, string> = jsonHeaders,
): RawRequest {
  return {
    method: 'POST',
    url: endpoint.url,
    payload,
    headers: endpoint.authenticated ? { ...headers, authorization: seeded.authorization } : headers,
  };
}

function expectRefusal(endpoint: BodyEndpoint, response: RawResponse, what: string): void {
  if (endpoint.page) expectPageOrContractError(response, what);
  else expectContractError(response, what);
}

/** A valid body with one field's JSON text replaced (or removed when `valueText` is undefined). */
function withField(body: Record<string, unknown>, field: string, valueText: string | undefined): string {
  const pairs = Object.entries(body)
    .filter(([key]) => key !== field)
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  if (valueText !== undefined) pairs.push(`${JSON.stringify(field)}:${valueText}`);
  return `{${pairs.join(',')}}`;
}

/** Runs `body` and asserts that no row of any table changed meanwhile. */
async function unchanged(t: TestApi, body: () => Promise<void>): Promise<void> {
  const before = await snapshotTables(t.db, t.dialect);
  await body();
  expect(await snapshotTables(t.db, t.dialect)).toEqual(before);
}

// --- The seeded generator of bodies ----------------------------------------------------------

/** Characters the contract refuses in user text: lone surrogates, controls, bidi overrides and isolates. */
const forbiddenEscapes = [
  '\\ud800',
  '\\udfff',
  '\\udbff',
  '\\u0000',
  '\\u0007',
  '\\u001b',
  '\\u007f',
  '\\u0085',
  '\\u202a',
  '\\u202e',
  '\\u2066',
  '\\u2069',
];
const surrogateEscapes = ['\\ud800', '\\udfff', '\\udbff'];

/** Text that is legal but awkward: pieces the generator mixes into values and keys. */
const trickyPieces = [
  '\u200b',
  '\u200d',
  '\ufeff',
  'e\u0301',
  'Zoë',
  '👩‍👩‍👧‍👦',
  '🔑',
  'ǅ',
  'İ',
  'ß',
  '\ufffd',
  '<script>alert(1)</script>',
  "' or 1=1 --",
  '%00',
  '\\',
  '{{7*7}}',
  '${7*7}',
  '../../etc/passwd',
  '\r\n',
  ' ',
  '@',
  '.',
  'a',
  'x@example.net',
];

const wrongTypes = [
  '42',
  '-1',
  '1e308',
  '0.5',
  'true',
  'false',
  'null',
  '[]',
  '{}',
  '["x"]',
  '{"a":"b"}',
  '[null]',
];

function randomText(rng: SeededRandom): string {
  let text = '';
  const pieces = rng.int(6);
  for (let i = 0; i < pieces; i++) text += rng.pick(trickyPieces);
  if (rng.chance(0.05)) text = text.padEnd(1 + rng.int(6000), rng.pick(['x', '🔑', '\u200b']));
  return text;
}

/** A string's JSON text with one escape sequence (such as \ud800) written in at a random place. */
function withEscape(rng: SeededRandom, value: string, escapes: string[]): string {
  const chars = [...value];
  const at = rng.int(chars.length + 1);
  const marker = '\u{E000}'; // private use: never in our values, and JSON.stringify leaves it as is
  const text = JSON.stringify([...chars.slice(0, at), marker, ...chars.slice(at)].join(''));
  return text.replace(marker, rng.pick(escapes));
}

function longString(rng: SeededRandom, over: number): string {
  return JSON.stringify('x'.repeat(over + 1 + rng.int(3000)));
}

function randomJson(rng: SeededRandom, depth = 0): string {
  switch (rng.int(depth > 2 ? 4 : 6)) {
    case 0:
      return rng.pick(['0', '-1', '1e308', '-1e-308', '9007199254740993', '3.14']);
    case 1:
      return rng.pick(['true', 'false', 'null']);
    case 2:
    case 3:
      return JSON.stringify(randomText(rng));
    case 4: {
      const items = Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
      return `[${items.join(',')}]`;
    }
    default: {
      const keys = ['a', '__proto__', 'constructor', 'prototype', 'toString', 'isAdmin', 'role'];
      const pairs = Array.from(
        { length: rng.int(4) },
        () =>
          `${JSON.stringify(rng.chance(0.7) ? rng.pick(keys) : randomText(rng))}:${randomJson(rng, depth + 1)}`,
      );
      return `{${pairs.join(',')}}`;
    }
  }
}

/** JSON text for a value the field's schema refuses, or undefined to leave a required field out. */
function brokenValue(rng: SeededRandom, field: Field, valid: unknown): string | undefined {
  if (field.required && rng.chance(0.1)) return undefined;
  if (rng.chance(0.3)) return rng.pick(wrongTypes.filter((w) => !(field.kind === 'terms' && w === 'true')));
  const text = typeof valid === 'string' ? valid : 'text';
  switch (field.kind) {
    case 'name':
      return rng.pick([
        () => '""',
        () => '"   "',
        () => longString(rng, 100),
        () => withEscape(rng, text, forbiddenEscapes),
      ])();
    case 'company':
      return rng.pick([() => longString(rng, 200), () => withEscape(rng, text, forbiddenEscapes)])();
    case 'email':
      return rng.pick([
        () => '""',
        () => '"   "',
        () => '"plainaddress"',
        () => '"a@b"',
        () => '"a b@example.net"',
        () => '"@example.net"',
        () => '"a@@example.net"',
        () => '"a@example..net"',
        () => JSON.stringify(`${'x'.repeat(65)}@example.net`),
        () => JSON.stringify(`a@${'x'.repeat(300)}.net`),
        () => withEscape(rng, text, forbiddenEscapes),
      ])();
    case 'password':
      return rng.pick([
        () => '""',
        () => longString(rng, 4096),
        () => withEscape(rng, text, surrogateEscapes),
      ])();
    case 'token':
      return rng.pick([
        () => '""',
        () => '"a b"',
        () => '"a.b.c"',
        () => '".abc"',
        () => '"abc."',
        () => '"tøken"',
        () => '"abc=="',
        () => longString(rng, 200),
        () => withEscape(rng, text, forbiddenEscapes),
      ])();
    case 'locale':
      return rng.pick(['"de"', '"EN"', '""', '"nl-NL"', '"en "']);
    case 'terms':
      return rng.pick(['false', '"true"', '1', '0', 'null', '"yes"']);
  }
}

/**
 * One JSON body the endpoint must refuse: broken text, a root that is not an object, or a valid body
 * with at least one field broken plus random noise (extra keys, tricky values, a late duplicate key).
 */
function brokenBody(rng: SeededRandom, endpoint: BodyEndpoint): string {
  const valid = endpoint.valid();
  const validText = JSON.stringify(valid);
  const roll = rng.next();
  if (roll < 0.1) return validText.slice(0, rng.int(validText.length));
  if (roll < 0.15)
    return rng.pick([
      `${validText}}`,
      `${validText.slice(0, -1)},}`,
      validText.replace(/"/g, "'"),
      `/* */${validText}`,
      'NaN',
      'undefined',
      `\ufeff${validText}x`,
      ' ',
    ]);
  if (roll < 0.25) {
    const root = randomJson(rng);
    if (root === 'null' && endpoint.optionalBody) return '[null]';
    if (!root.startsWith('{')) return root;
    return `[${root}]`;
  }

  const pairs = new Map<string, string | undefined>(
    Object.entries(valid).map(([key, value]) => [key, JSON.stringify(value)]),
  );
  const broken = endpoint.fields.filter(() => rng.chance(0.4));
  if (broken.length === 0) broken.push(rng.pick(endpoint.fields));
  const fieldNames = new Set(endpoint.fields.map((f) => f.name));
  for (const field of endpoint.fields) {
    if (broken.includes(field)) pairs.set(field.name, brokenValue(rng, field, valid[field.name]));
    else if (rng.chance(0.2)) pairs.set(field.name, JSON.stringify(randomText(rng)));
  }
  const noise: string[] = [];
  for (let i = rng.int(3); i > 0; i--) {
    const key = rng.chance(0.5) ? rng.pick(['__proto__', 'constructor', 'isAdmin', 'role']) : randomText(rng);
    if (!fieldNames.has(key)) noise.push(`${JSON.stringify(key)}:${randomJson(rng)}`);
  }
  const body = [...pairs].filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${v}`);
  // JSON.parse keeps the last of duplicate keys: a broken duplicate after a valid one must still count.
  const duplicate = broken.find((field) => pairs.get(field.name) !== undefined);
  if (duplicate && rng.chance(0.1)) {
    body.unshift(`${JSON.stringify(duplicate.name)}:${JSON.stringify(valid[duplicate.name] ?? 'x')}`);
  }
  return `{${[...body, ...noise].join(',')}}`;
}

/** A form body the activation pages must refuse: the field holds an unusable token or address. */
function brokenForm(rng: SeededRandom, endpoint: BodyEndpoint): string {
  const name = endpoint.fields[0]?.name ?? 'token';
  const values =
    name === 'email'
      ? [
          '',
          'plainaddress',
          'a%00b%40example.net',
          'a%E2%80%AEb%40example.net',
          '%ED%A0%80%40example.net',
          'a+b',
        ]
      : ['', 'a+b', 'a.b.c', '%00', '%E2%80%AE', '%ED%A0%80', 't%C3%B8ken', 'x'.repeat(300)];
  const parts = [`${name}=${rng.pick(values)}`];
  if (rng.chance(0.3))
    parts.push(rng.pick(['__proto__[polluted]=yes', 'constructor[prototype][polluted]=yes']));
  if (rng.chance(0.2)) parts.push(`${name}[]=x`);
  return parts.join('&');
}

/** Another seed explores other cases: `FUZZ_SEED=7 npx vitest run test/security/malformed-input.test.ts`. */
const fuzzSeed = Number(process.env.FUZZ_SEED ?? 20_261_129);
const casesPerEndpoint = 250;

// --- The tests -------------------------------------------------------------------------------

/**
 * One API per dialect for the whole file: every request here is refused (or, in the few tests of legal
 * tricky input, touches only its own new account), so sharing the database makes each "no row changed"
 * check stronger, and the file fast.
 */
function onSharedApi(name: string, body: (t: () => TestApi, seeded: () => Seeded) => void): void {
  for (const dialect of dialects) {
    describe(`${name} [${dialect}]`, () => {
      let api: TestApi | undefined;
      let seeded: Seeded | undefined;
      beforeAll(async () => {
        api = await startTestApi(dialect);
        seeded = await seed(api);
      });
      afterAll(async () => {
        await api?.close();
      });
      body(
        () => {
          if (!api) throw new Error('test API not started');
          return api;
        },
        () => {
          if (!seeded) throw new Error('test API not seeded');
          return seeded;
        },
      );
    });
  }
}

onSharedApi('malformed input', (t, seeded) => {
  it('answers broken JSON, an empty body and non-object JSON on every endpoint with validation_failed', async () => {
    const payloads = [
      '{bad',
      '',
      '   ',
      '[]',
      '[{"token":"x"}]',
      '"a string"',
      '42',
      'true',
      'null',
      '{"a":1,}',
      "{'a':1}",
      '{"a":1}}',
      '\u0000',
    ];
    await unchanged(t(), async () => {
      for (const endpoint of bodyEndpoints) {
        for (const payload of payloads) {
          if (payload === 'null' && endpoint.optionalBody) continue;
          const response = await sendRaw(t(), postTo(endpoint, seeded(), payload));
          expectContractError(
            response,
            `POST ${endpoint.url} ${JSON.stringify(payload)}`,
            'validation_failed',
          );
        }
      }
    });
  });

  it('names each field of the wrong type or missing in validation_failed, and the pages refuse them', async () => {
    await unchanged(t(), async () => {
      for (const endpoint of bodyEndpoints) {
        for (const field of endpoint.fields) {
          for (const wrong of wrongTypes.filter((w) => !(field.kind === 'terms' && w === 'true'))) {
            const payload = withField(endpoint.valid(), field.name, wrong);
            const response = await sendRaw(t(), postTo(endpoint, seeded(), payload));
            // The activation pages read anything but one string as an empty value and answer in HTML.
            if (endpoint.page) {
              expectPageOrContractError(response, `POST ${endpoint.url} ${payload}`);
              continue;
            }
            expectContractError(response, `POST ${endpoint.url} ${payload}`, 'validation_failed');
            expect(response.json.error.fields, payload).toHaveProperty([field.name]);
          }
          if (field.required) {
            const payload = withField(endpoint.valid(), field.name, undefined);
            const response = await sendRaw(t(), postTo(endpoint, seeded(), payload));
            expectContractError(response, `POST ${endpoint.url} ${payload}`, 'validation_failed');
            expect(response.json.error.fields[field.name]).toBe(
              field.kind === 'terms' ? 'must_accept' : 'required',
            );
          }
        }
      }
    });
  });

  it('refuses bodies over 64 KiB with payload_too_large, and form posts over 4 KiB on the pages', async () => {
    await unchanged(t(), async () => {
      for (const endpoint of bodyEndpoints) {
        const field = endpoint.fields[0]?.name ?? 'x';
        const overhead = JSON.stringify({ [field]: '' }).length;
        const justOver = JSON.stringify({ [field]: 'x'.repeat(64 * 1024 + 1 - overhead) });
        expect(justOver.length).toBe(64 * 1024 + 1);
        const huge = JSON.stringify({ [field]: 'x'.repeat(1024 * 1024) });
        for (const payload of [justOver, huge]) {
          const response = await sendRaw(t(), postTo(endpoint, seeded(), payload));
          expectContractError(response, `POST ${endpoint.url} ${payload.length} bytes`, 'payload_too_large');
        }
        // Just under the limit the body is read and refused for what it says, not for its size.
        const justUnder = JSON.stringify({ [field]: 'x'.repeat(64 * 1024 - overhead - 1) });
        const response = await sendRaw(t(), postTo(endpoint, seeded(), justUnder));
        expectRefusal(endpoint, response, `POST ${endpoint.url} ${justUnder.length} bytes`);
        expect(response.status).not.toBe(413);
      }
      for (const endpoint of bodyEndpoints.filter((e) => e.page)) {
        const payload = `${endpoint.fields[0]?.name}=${'a'.repeat(5000)}`;
        const response = await sendRaw(t(), postTo(endpoint, seeded(), payload, formHeaders));
        expectContractError(
          response,
          `POST ${endpoint.url} form of ${payload.length} bytes`,
          'payload_too_large',
        );
      }
    });
  });

  it('refuses a 10 000-character name and a 5 000-character password as too long', async () => {
    const signup = bodyEndpoints[0]!;
    const login = bodyEndpoints[3]!;
    const cases: [BodyEndpoint, string, string][] = [
      [signup, 'firstName', 'J'.repeat(10_000)],
      [signup, 'lastName', 'D'.repeat(10_000)],
      [signup, 'company', 'C'.repeat(10_000)],
      [signup, 'email', `${'j'.repeat(10_000)}@example.net`],
      [signup, 'password', 'p'.repeat(5_000)],
      [login, 'password', 'p'.repeat(5_000)],
      [login, 'email', `${'j'.repeat(10_000)}@example.net`],
      [login, 'deviceToken', 't'.repeat(10_000)],
      [jsonEndpoints[1]!, 'token', 't'.repeat(10_000)],
      [jsonEndpoints[2]!, 'email', `${'j'.repeat(10_000)}@example.net`],
      [jsonEndpoints[4]!, 'deviceToken', 't'.repeat(10_000)],
    ];
    await unchanged(t(), async () => {
      for (const [endpoint, field, value] of cases) {
        const payload = withField(endpoint.valid(), field, JSON.stringify(value));
        const response = await sendRaw(t(), postTo(endpoint, seeded(), payload));
        expectContractError(response, `POST ${endpoint.url} ${field}`, 'validation_failed');
        expect(response.json.error.fields, `${endpoint.url} ${field}`).toEqual({ [field]: 'too_long' });
      }
    });
    // Within the transport limit a long password is judged by the policy, which says why; never truncated.
    const long = await t().request('POST', '/v1/accounts', {
      ...signup.valid(),
      password: 'a1b2c3d4'.repeat(512),
    });
    expect(long.status).toBe(400);
    expect(long.body.error).toMatchObject({ code: 'weak_password', reasons: ['too_long'] });
  });

  it('refuses lone surrogates, NUL, control characters and bidi overrides in every text field', async () => {
    await unchanged(t(), async () => {
      for (const endpoint of bodyEndpoints) {
        for (const field of endpoint.fields) {
          if (field.kind === 'terms' || field.kind === 'locale') continue;
          // Passwords are hashed, never stored or shown: only what cannot be encoded is refused there.
          const escapes = field.kind === 'password' ? surrogateEscapes : forbiddenEscapes;
          const valid = endpoint.valid();
          const plain = JSON.stringify(valid[field.name] ?? 'value').slice(1, -1);
          for (const escape of escapes) {
            for (const text of [`"${escape}${plain}"`, `"${plain}${escape}"`, `"${escape}"`]) {
              const payload = withField(valid, field.name, text);
              const response = await sendRaw(t(), postTo(endpoint, seeded(), payload));
              const what = `POST ${endpoint.url} ${field.name}=${text.slice(0, 40)}`;
              if (endpoint.page) {
                expectPageOrContractError(response, what);
                continue;
              }
              // A string that cannot be one of our tokens may also be judged by the service: not ours.
              expectContractError(
                response,
                what,
                endpoint.url === '/v1/activation'
                  ? ['validation_failed', 'activation_invalid']
                  : 'validation_failed',
              );
              if (response.json.error.code === 'validation_failed') {
                expect(response.json.error.fields[field.name], what).toBe(
                  field.kind === 'token' ? 'invalid' : 'invalid_characters',
                );
              }
            }
          }
        }
      }
    });
  });

  it('keeps zero-width joiners and emoji in names and stores NFD input as NFC', async () => {
    const email = uniqueEmail('zoe').replace('zoe', 'zoe\u0308');
    const signup = await t().request('POST', '/v1/accounts', {
      firstName: 'Zoe\u0308 \u{1F469}\u200D\u{1F52C}',
      lastName: 'Mi\u200Bller',
      company: '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466} Family Co',
      email,
      password: 'violet-harbour-lantern-42',
      acceptTerms: true,
    });
    expect(signup.status).toBe(202);
    const row = await t()
      .db.selectFrom('accounts')
      .select(['first_name', 'last_name', 'company', 'email'])
      .where('email_normalized', '=', email.normalize('NFC'))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      first_name: 'Zoë 👩‍🔬',
      last_name: 'Mi\u200Bller',
      company: '👨‍👩‍👧‍👦 Family Co',
      email: email.normalize('NFC'),
    });
    // A long emoji sequence counts in UTF-16 units against the field's limit: refused, not cut off.
    await unchanged(t(), async () => {
      const response = await sendRaw(t(), {
        method: 'POST',
        url: '/v1/accounts',
        payload: JSON.stringify({ ...bodyEndpoints[0]!.valid(), firstName: '👩‍👩‍👧‍👦'.repeat(50) }),
        headers: jsonHeaders,
      });
      expectContractError(response, 'emoji name', 'validation_failed');
      expect(response.json.error.fields).toEqual({ firstName: 'too_long' });
    });
  });

  it('treats NFD and NFC spellings of an email address and a password as the same', async () => {
    const nfc = uniqueEmail('zoë');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    await t().signup({ email: nfc, password: 'crème-brûlée-harbour-42' });
    const again = await t().request('POST', '/v1/accounts', {
      firstName: 'Zoe',
      lastName: 'Doe',
      email: nfd,
      password: 'another-harbour-lantern-7',
      acceptTerms: true,
    });
    expect(again.status).toBe(202);
    const accounts = await t()
      .db.selectFrom('accounts')
      .select('email')
      .where('email_normalized', 'in', [nfc, nfd])
      .execute();
    expect(accounts).toEqual([{ email: nfc }]);
    // The right password, spelled in NFD: checked and found correct (then: not activated yet).
    const login = await t().request('POST', '/v1/login', {
      email: nfd,
      password: 'crème-brûlée-harbour-42'.normalize('NFD'),
    });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('account_not_activated');
  });

  it('hashes passwords with NUL, bidi, zero-width and emoji characters and counts them in code points', async () => {
    const tricky = 'violet\u0000harbour\u202Elantern\u200B🔑';
    const account = await t().signup({ password: tricky });
    const right = await t().request('POST', '/v1/login', { email: account.email, password: tricky });
    expect(right.status).toBe(403);
    expect(right.body.error.code).toBe('account_not_activated');
    const withoutNul = await t().request('POST', '/v1/login', {
      email: account.email,
      password: tricky.replace('\u0000', ''),
    });
    expect(withoutNul.status).toBe(401);

    // 119 emoji are 238 UTF-16 units but 119 code points: within the 128 the policy allows.
    const emoji = '🔑🌊🦊🌵🎲🧭🪁'.repeat(17);
    await t().signup({ password: emoji });
    const tooMany = await t().request('POST', '/v1/accounts', {
      ...bodyEndpoints[0]!.valid(),
      password: `${emoji}🔑🌊🦊🌵🎲🧭🪁🔑🌊🦊`,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'weak_password', reasons: ['too_long'] });
  });

  it('refuses __proto__ and constructor keys without polluting any object', async () => {
    const poison = ['{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}'];
    await unchanged(t(), async () => {
      for (const endpoint of bodyEndpoints) {
        const validText = JSON.stringify(endpoint.valid()).slice(1, -1);
        const payloads = [
          ...poison,
          `{${validText},"__proto__":{"polluted":"yes","isAdmin":true}}`,
          `{"__proto__":{"polluted":"yes"},${validText}}`,
          `{${validText},"constructor":{"prototype":{"polluted":"yes"}}}`,
          `{${validText},"nested":{"deeper":{"__proto__":{"polluted":"yes"}}}}`,
        ];
        for (const payload of payloads) {
          const response = await sendRaw(t(), postTo(endpoint, seeded(), payload));
          expectContractError(response, `POST ${endpoint.url} ${payload}`, 'validation_failed');
        }
      }
      for (const endpoint of bodyEndpoints.filter((e) => e.page)) {
        for (const payload of [
          '__proto__[polluted]=yes',
          'constructor[prototype][polluted]=yes',
          '__proto__=x',
        ]) {
          const response = await sendRaw(t(), postTo(endpoint, seeded(), payload, formHeaders));
          expectPageOrContractError(response, `POST ${endpoint.url} ${payload}`);
        }
      }
      const page = await sendRaw(t(), { method: 'GET', url: '/activate?__proto__[polluted]=yes&token=x' });
      expect(page.status).toBeLessThan(500);
    });
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.prototype).not.toHaveProperty('isAdmin');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses non-JSON bodies on the JSON API with unsupported_media_type', async () => {
    const contentTypes = [
      'text/plain',
      'text/plain; charset=utf-8',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      'application/json, text/plain',
      'application/octet-stream',
    ];
    await unchanged(t(), async () => {
      for (const endpoint of bodyEndpoints) {
        const json = JSON.stringify(endpoint.valid());
        for (const contentType of contentTypes) {
          const response = await sendRaw(
            t(),
            postTo(endpoint, seeded(), json, { 'content-type': contentType }),
          );
          expectContractError(response, `POST ${endpoint.url} as ${contentType}`, 'unsupported_media_type');
        }
        const untyped = await sendRaw(t(), postTo(endpoint, seeded(), json, {}));
        expectContractError(untyped, `POST ${endpoint.url} without a content type`, 'unsupported_media_type');
      }
      // Browser forms are for the activation pages only: the /v1 API cannot be driven by a cross-site form.
      for (const endpoint of jsonEndpoints) {
        const form = Object.entries(endpoint.valid())
          .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
          .join('&');
        const response = await sendRaw(t(), postTo(endpoint, seeded(), form, formHeaders));
        expectContractError(response, `POST ${endpoint.url} as a form`, 'unsupported_media_type');
      }
    });
  });

  it('answers unknown routes with not_found and wrong methods without reaching a handler', async () => {
    const unknown = [
      '/',
      '/v1',
      '/v1/',
      '/v1/nope',
      '/v1/accounts/',
      '/v1/accounts/extra',
      '/V1/ACCOUNTS',
      '/v2/accounts',
      '/v1/login%00',
      '/..%2f..%2fetc%2fpasswd',
      '/activate/',
      `/${'a'.repeat(20_000)}`,
    ];
    await unchanged(t(), async () => {
      for (const url of unknown) {
        for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
          const bare = await sendRaw(t(), { method, url });
          expectContractError(bare, `${method} ${url.slice(0, 40)}`, 'not_found');
          // A body is read before the route is known to be missing: broken JSON may be the first refusal.
          const withBody = await sendRaw(t(), { method, url, payload: '{bad', headers: jsonHeaders });
          expectContractError(withBody, `${method} ${url.slice(0, 40)} {bad`, [
            'not_found',
            'validation_failed',
          ]);
        }
      }
      const badUrl = await sendRaw(t(), { method: 'GET', url: '/v1/%zz' });
      expectContractError(badUrl, 'GET /v1/%zz', 'validation_failed');

      for (const route of routes) {
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
          if (routes.some((r) => r.url === route.url && r.method === method)) continue;
          const withBody = method !== 'GET' && method !== 'OPTIONS';
          const response = await sendRaw(t(), {
            method,
            url: route.url,
            payload: withBody ? '{}' : undefined,
            headers: {
              ...(withBody ? jsonHeaders : {}),
              authorization: seeded().authorization,
            },
          });
          expectContractError(response, `${method} ${route.url}`, ['not_found', 'method_not_allowed']);
        }
      }
    });
  });

  it('ignores a malformed body on GET requests instead of failing', async () => {
    await unchanged(t(), async () => {
      for (const url of ['/healthz', '/openapi.json', '/v1/me', `/activate?token=${unknownToken}`]) {
        const response = await sendRaw(t(), {
          method: 'GET',
          url,
          payload: '{bad',
          headers: { ...jsonHeaders, authorization: seeded().authorization },
        });
        expect(response.status, url).toBe(200);
      }
    });
  });

  it('answers junk Authorization headers with unauthenticated and leaves the session alone', async () => {
    const token = seeded().authorization.slice('Bearer '.length);
    const [id, secret] = token.split('.');
    const junk = [
      '',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      token,
      `Bearer ${token}x`,
      `Bearer ${token}.extra`,
      `Bearer ${id}.${'A'.repeat(secret?.length ?? 43)}`,
      `Bearer ${id}`,
      `Bearer ${token} ${token}`,
      `Bearer ${'a'.repeat(10_000)}`,
      'Bearer %00',
      "Bearer ' or 1=1 --",
    ];
    await unchanged(t(), async () => {
      for (const authorization of junk) {
        const headers: Record<string, string> = authorization === '' ? {} : { authorization };
        const me = await sendRaw(t(), { method: 'GET', url: '/v1/me', headers });
        expectContractError(me, `GET /v1/me with ${authorization.slice(0, 40)}`, 'unauthenticated');
        const logout = await sendRaw(t(), { method: 'POST', url: '/v1/logout', headers });
        expectContractError(logout, `POST /v1/logout with ${authorization.slice(0, 40)}`, 'unauthenticated');
      }
    });
    const me = await sendRaw(t(), {
      method: 'GET',
      url: '/v1/me',
      headers: { authorization: seeded().authorization },
    });
    expect(me.status).toBe(200);
  });

  it('keeps the activation pages to harmless pages for junk tokens, addresses and query strings', async () => {
    const [activate, resend] = bodyEndpoints.filter((e) => e.page);
    await unchanged(t(), async () => {
      for (const query of [
        '',
        '?token=',
        '?token=%00',
        '?token=%E2%80%AE',
        '?token=%ED%A0%80',
        `?token=${'a'.repeat(401)}`,
        '?token=a&token=b',
        '?token[a]=1',
        '?token=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
        '?token=%zz',
      ]) {
        const response = await sendRaw(t(), { method: 'GET', url: `/activate${query}` });
        expectPageOrContractError(response, `GET /activate${query.slice(0, 40)}`);
        expect(response.text).not.toContain('<script>alert');
      }
      for (const payload of [
        'token=',
        'token=a+b',
        'token=%00',
        'token=%E2%80%AE',
        `token=${unknownToken}x`,
      ]) {
        const response = await sendRaw(t(), postTo(activate!, seeded(), payload, formHeaders));
        expectPageOrContractError(response, `POST /activate ${payload}`);
      }
      for (const payload of [
        'email=',
        'email=a%00b%40example.net',
        'email=a%E2%80%AEb%40example.net',
        'email=%ED%A0%80%40example.net',
        'email=a%07b%40example.net',
        `email=${'x'.repeat(399)}`,
      ]) {
        const response = await sendRaw(t(), postTo(resend!, seeded(), payload, formHeaders));
        expectPageOrContractError(response, `POST /activate/resend ${payload.slice(0, 60)}`);
      }
    });
  });

  describe(`seeded random bodies (FUZZ_SEED=${fuzzSeed})`, () => {
    it(`refuses ${casesPerEndpoint} random broken bodies per endpoint with a contract error and no changed row`, async () => {
      for (const [index, endpoint] of bodyEndpoints.entries()) {
        const rng = new SeededRandom(fuzzSeed + index);
        await unchanged(t(), async () => {
          for (let n = 0; n < casesPerEndpoint; n++) {
            const form = endpoint.page && rng.chance(0.3);
            const payload = form ? brokenForm(rng, endpoint) : brokenBody(rng, endpoint);
            const headers = form
              ? formHeaders
              : { 'content-type': rng.pick(['application/json', 'application/json; charset=utf-8']) };
            const response = await sendRaw(t(), postTo(endpoint, seeded(), payload, headers));
            expectRefusal(
              endpoint,
              response,
              `seed ${fuzzSeed} case ${n}: POST ${endpoint.url} ${JSON.stringify(payload).slice(0, 300)}`,
            );
          }
        });
      }
    });

    it(`answers ${casesPerEndpoint} random query strings and headers per GET endpoint without a 5xx or a changed row`, async () => {
      const rng = new SeededRandom(fuzzSeed + 100);
      const query = () =>
        Array.from({ length: rng.int(4) }, () => {
          const key = rng.pick(['token', 'token[]', '__proto__[x]', 'a', randomText(rng).toWellFormed()]);
          return `${encodeURIComponent(key)}=${encodeURIComponent(randomText(rng).toWellFormed())}`;
        }).join('&');
      const header = () =>
        Array.from({ length: rng.int(80) }, () => String.fromCharCode(32 + rng.int(95))).join('');
      await unchanged(t(), async () => {
        for (let n = 0; n < casesPerEndpoint; n++) {
          const q = query();
          const what = `seed ${fuzzSeed} case ${n}: ?${q.slice(0, 200)}`;
          const health = await sendRaw(t(), { method: 'GET', url: `/healthz?${q}` });
          expect(health.status, what).toBe(200);
          if (n % 10 === 0) {
            const openapi = await sendRaw(t(), { method: 'GET', url: `/openapi.json?${q}` });
            expect(openapi.status, what).toBe(200);
          }
          const me = await sendRaw(t(), {
            method: 'GET',
            url: `/v1/me?${q}`,
            headers: { authorization: rng.chance(0.5) ? `Bearer ${header()}` : header() },
          });
          expectContractError(me, what, 'unauthenticated');
          const page = await sendRaw(t(), { method: 'GET', url: `/activate?${q}` });
          if (page.status !== 200) expectPageOrContractError(page, what);
        }
      });
      const me = await sendRaw(t(), {
        method: 'GET',
        url: '/v1/me',
        headers: { authorization: seeded().authorization },
      });
      expect(me.status).toBe(200);
    });
  });
});
