import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  dialects,
  forEachDialect,
  startTestApi,
  uniqueEmail,
  type JsonResponse,
  type TestApi,
} from '../helpers/harness';
import { login, passwordChecksFailed, secondInstance, timed, type SecondInstance } from '../helpers/login';

// docs/security.md 6, 8, 9 and 29: what an attacker guessing passwords can learn and how fast.

const wrongPassword = 'not-the-right-password-7';
const freeAttempts = 5;

function expectInvalidCredentials(response: { status: number; body: JsonResponse }) {
  expect(response.status).toBe(401);
  expect(response.body.error.code).toBe('invalid_credentials');
  expect(response.body).not.toHaveProperty('session');
}

async function failTimes(api: Pick<TestApi, 'request'>, email: string, times: number) {
  for (let i = 0; i < times; i += 1) expectInvalidCredentials(await login(api, email, wrongPassword));
}

forEachDialect('login: what a password guesser sees', (t) => {
  it('answers an unknown email, a wrong password and a locked account identically and in similar time', async () => {
    const target = await t().activeAccount();
    const locked = await t().activeAccount();
    await failTimes(t(), locked.email, freeAttempts);

    // The first unknown email pays for making the dummy hash; measure after it.
    await login(t(), uniqueEmail('warm-up'), wrongPassword);
    await login(t(), locked.email, wrongPassword);

    const cases = {
      unknownEmail: () => login(t(), uniqueEmail('nobody'), wrongPassword),
      wrongPassword: () => login(t(), target.email, wrongPassword),
      lockedAccount: () => login(t(), locked.email, wrongPassword),
    };
    const names = Object.keys(cases) as (keyof typeof cases)[];
    const times: Record<keyof typeof cases, number[]> = {
      unknownEmail: [],
      wrongPassword: [],
      lockedAccount: [],
    };
    const responses: { status: number; body: JsonResponse; headers: string[] }[] = [];
    for (let round = 0; round < freeAttempts; round += 1) {
      // Rotate the order so that no case is always the first (or last) of a round.
      for (let i = 0; i < names.length; i += 1) {
        const name = names[(round + i) % names.length]!;
        const { result, ms } = await timed(cases[name]);
        times[name].push(ms);
        responses.push({
          status: result.status,
          body: result.body,
          headers: Object.keys(result.headers)
            .filter((h) => h !== 'date')
            .sort(),
        });
      }
    }

    for (const response of responses) {
      expect(response).toEqual(responses[0]);
      expectInvalidCredentials(response);
    }
    // The fastest of each: what a case costs at least, which load on a shared machine cannot hide
    // (a median of five still moves with it).
    const fastest = names.map((name) => Math.min(...times[name]));
    for (const a of fastest) {
      for (const b of fastest) {
        expect(a / b).toBeGreaterThan(0.5);
        expect(a / b).toBeLessThan(2);
      }
    }
    // The wrong passwords really were checked, and the locked account's were not.
    expect(await passwordChecksFailed(t(), target.email)).toBe(freeAttempts);
    expect(await passwordChecksFailed(t(), locked.email)).toBe(freeAttempts);
  });

  it('refuses the right password while locked exactly like a wrong one, and takes it once the delay is over', async () => {
    const account = await t().activeAccount();
    await failTimes(t(), account.email, freeAttempts);
    const wrong = await login(t(), account.email, wrongPassword);
    t().clock.advance(999);
    const right = await login(t(), account.email, account.password);
    expectInvalidCredentials(right);
    expect(right.body).toEqual(wrong.body);
    expect(await t().db.selectFrom('sessions').select('id').execute()).toHaveLength(0);

    t().clock.advance(1);
    const unlocked = await login(t(), account.email, account.password);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.state).toBe('mfa_enrollment_required');

    // The failures are forgotten: five wrong passwords are checked again before the next delay.
    await failTimes(t(), account.email, freeAttempts);
    expect(await passwordChecksFailed(t(), account.email)).toBe(2 * freeAttempts);
    expectInvalidCredentials(await login(t(), account.email, account.password));
  });

  it('keys the limit on the normalised email, whatever the case or spacing typed', async () => {
    const email = uniqueEmail('jane');
    const account = await t().activeAccount({ email });
    const [local = '', domain = ''] = email.split('@');
    const variants = [
      email.toUpperCase(),
      `${local.toUpperCase()}@${domain}`,
      `  ${email}  `,
      `${local}@${domain.toUpperCase()}`,
      `J${email.slice(1)}`,
    ];
    for (const variant of variants) expectInvalidCredentials(await login(t(), variant, wrongPassword));

    expectInvalidCredentials(await login(t(), email, account.password));
    expectInvalidCredentials(await login(t(), email.toUpperCase(), account.password));
    expect(await passwordChecksFailed(t(), email)).toBe(freeAttempts);
  });

  it('checks at most the free attempts when fifty wrong passwords arrive at once', async () => {
    const account = await t().activeAccount();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => login(t(), account.email, wrongPassword)),
    );
    for (const response of responses) {
      expectInvalidCredentials(response);
      expect(response.body).toEqual(responses[0]?.body);
    }
    const checked = await passwordChecksFailed(t(), account.email);
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(freeAttempts);
    // The burst used up its share of the free attempts: together with later guesses, never more than five.
    await failTimes(t(), account.email, freeAttempts);
    expect(await passwordChecksFailed(t(), account.email)).toBe(freeAttempts);
    expectInvalidCredentials(await login(t(), account.email, account.password));
  });

  it('limits guesses at an unknown email the same way as at a known one', async () => {
    const account = await t().activeAccount();
    const unknown = uniqueEmail('nobody');
    for (const email of [account.email, unknown]) await failTimes(t(), email, freeAttempts + 1);
    t().clock.advance(1000);
    // One more guess each is let through after the first delay; neither says which address exists.
    const known = await login(t(), account.email, wrongPassword);
    const stranger = await login(t(), unknown, wrongPassword);
    expectInvalidCredentials(known);
    expect(stranger.body).toEqual(known.body);
    expect(await passwordChecksFailed(t(), account.email)).toBe(freeAttempts + 1);
  });

  it('says account_not_activated only after the right password, and gives no session', async () => {
    const account = await t().signup();
    expectInvalidCredentials(await login(t(), account.email, wrongPassword));
    const right = await login(t(), account.email, account.password);
    expect(right.status).toBe(403);
    expect(right.body.error.code).toBe('account_not_activated');
    expect(right.body).not.toHaveProperty('session');
    expect(await t().db.selectFrom('sessions').select('id').execute()).toHaveLength(0);
  });

  it('does not reveal an unactivated account to someone without its password', async () => {
    const pending = await t().signup();
    const active = await t().activeAccount();
    const [forPending, forActive, forNobody] = await Promise.all(
      [pending.email, active.email, uniqueEmail('nobody')].map(async (email) => {
        const { status, body } = await login(t(), email, wrongPassword);
        return { status, body };
      }),
    );
    expectInvalidCredentials(forActive!);
    expect(forPending).toEqual(forActive);
    expect(forNobody).toEqual(forActive);
  });
});

for (const dialect of dialects) {
  describe(`login: two API instances on one database share the password limit [${dialect}]`, () => {
    let first: TestApi;
    let second: SecondInstance;

    beforeEach(async () => {
      first = await startTestApi(dialect);
      second = await secondInstance(first);
    });

    afterEach(async () => {
      await second.close();
      await first.close();
    });

    it('counts wrong passwords given through either instance toward one limit', async () => {
      const account = await first.activeAccount();
      for (let i = 0; i < freeAttempts; i += 1) {
        await failTimes(i % 2 === 0 ? first : second, account.email, 1);
      }
      expectInvalidCredentials(await login(second, account.email, account.password));
      expectInvalidCredentials(await login(first, account.email, account.password));
      expect(await passwordChecksFailed(first, account.email)).toBe(freeAttempts);

      first.clock.advance(1000);
      const unlocked = await login(second, account.email, account.password);
      expect(unlocked.status).toBe(200);
      // The session made by one instance is good on the other.
      const me = await first.request('GET', '/v1/me', undefined, {
        authorization: `Bearer ${unlocked.body.session.token}`,
      });
      expect(me.status).toBe(200);
    });

    // Parallel requests across two connection pools race for real only on PostgreSQL (docs/security.md 29).
    if (dialect === 'postgres') {
      it('checks at most the free attempts when both instances get wrong passwords at once', async () => {
        const account = await first.activeAccount();
        const responses = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            login(i % 2 === 0 ? first : second, account.email, wrongPassword),
          ),
        );
        for (const response of responses) expectInvalidCredentials(response);
        const checked = await passwordChecksFailed(first, account.email);
        expect(checked).toBeGreaterThanOrEqual(1);
        expect(checked).toBeLessThanOrEqual(freeAttempts);
      });
    }
  });
}
