import { expect, it } from 'vitest';
import { guardPolicy } from '../../server/login/password-guard';
import { codeFailureBudgets } from '../../server/mfa/code-failures';
import { forEachDialect, type TestApi } from '../helpers/harness';
import { twoInstances } from '../helpers/instances';
import { totpCode, type EnrolledAccount } from '../helpers/mfa';
import { wrongCodes } from '../helpers/mfa-factors';
import { enrolledAccount, loginWithTotp, subjectsTo, type Requester } from '../helpers/trust';

/**
 * docs/security.md 34, the outside review's fourth finding: someone who knows the password sent wrong
 * codes over several logins until the owner's right code was refused for an hour, and the owner was
 * never told; someone who knows only the address kept the password guard delaying the owner, unseen.
 */

const failingSubject = 'Wrong sign-in codes were entered for your WEM account';
const guessingSubject = 'Someone is trying to sign in to your WEM account';

async function loginFrom(api: Requester, account: { email: string; password: string }, from: string) {
  return api.request('POST', '/v1/login', { email: account.email, password: account.password }, {}, from);
}

/** Wrong codes from `from` over as many logins as it takes, until the API refuses more. */
async function guessUntilRefused(
  api: Requester,
  t: TestApi,
  account: EnrolledAccount,
  from: string,
): Promise<number> {
  const guesses = wrongCodes(200, [
    await totpCode(account.totpSecret, t, -1),
    await totpCode(account.totpSecret, t),
    await totpCode(account.totpSecret, t, 1),
  ]);
  let sent = 0;
  for (let login = 0; login < 40; login++) {
    const started = await loginFrom(api, account, from);
    const loginId: string = started.body.loginId;
    for (let i = 0; i < 5; i++) {
      const answer = await api.request(
        'POST',
        `/v1/login/${loginId}/verify`,
        { factorId: account.totpFactorId, code: guesses[sent]! },
        {},
        from,
      );
      sent += 1;
      if (answer.status === 429 && answer.body.error.retryAfterSeconds > 0) return sent;
      if (answer.status === 429) break;
    }
  }
  return sent;
}

async function rightCodeFrom(api: Requester, t: TestApi, account: EnrolledAccount, from: string) {
  const started = await loginFrom(api, account, from);
  t.clock.advance(30_000);
  return api.request(
    'POST',
    `/v1/login/${started.body.loginId}/verify`,
    { factorId: account.totpFactorId, code: await totpCode(account.totpSecret, t) },
    {},
    from,
  );
}

forEachDialect('34. a password holder cannot lock the owner out of their factor', (t) => {
  it("stops the guesser's address, while the owner's right code from another address still works", async () => {
    const account = await enrolledAccount(t());
    const sent = await guessUntilRefused(t(), t(), account, '198.51.100.66');
    expect(sent).toBeLessThanOrEqual(codeFailureBudgets.perSource.max + 1);
    const guesser = await rightCodeFrom(t(), t(), account, '198.51.100.66');
    expect(guesser.status).toBe(429);

    const owner = await rightCodeFrom(t(), t(), account, '203.0.113.20');
    expect(owner.status).toBe(200);
    expect(owner.body.state).toBe('authenticated');
  });

  it('keeps a familiar address open even when many addresses exhaust the account-wide budget', async () => {
    const account = await enrolledAccount(t());
    const home = '192.0.2.10';
    expect((await rightCodeFrom(t(), t(), account, home)).status).toBe(200);
    let total = 0;
    for (let i = 0; total <= codeFailureBudgets.unfamiliarPerAccount.max; i++)
      total += await guessUntilRefused(t(), t(), account, `198.51.100.${i + 1}`);
    expect((await rightCodeFrom(t(), t(), account, '203.0.113.99')).status).toBe(429);
    expect((await rightCodeFrom(t(), t(), account, home)).status).toBe(200);
  });

  it('tells the owner once that wrong codes are being entered', async () => {
    const account = await enrolledAccount(t());
    await guessUntilRefused(t(), t(), account, '198.51.100.66');
    await guessUntilRefused(t(), t(), account, '198.51.100.67');
    const subjects = await subjectsTo(t(), account.email);
    expect(subjects.filter((s) => s === failingSubject)).toHaveLength(1);
  });

  it('does not tell the owner about a single mistyped code', async () => {
    const account = await enrolledAccount(t());
    const started = await loginFrom(t(), account, '192.0.2.1');
    await t().request('POST', `/v1/login/${started.body.loginId}/verify`, {
      factorId: account.totpFactorId,
      code: wrongCodes(1, [await totpCode(account.totpSecret, t())])[0]!,
    });
    expect(await subjectsTo(t(), account.email)).not.toContain(failingSubject);
  });
});

forEachDialect('34. someone who knows only the address', (t) => {
  it('tells the owner once, and the owner on a trusted computer still signs in at once', async () => {
    const account = await enrolledAccount(t());
    const device = (await loginWithTotp(t(), account, { deviceName: 'Home PC' })).device!;
    for (let i = 0; i < guardPolicy.freeAttempts + 3; i++) {
      await loginFrom(t(), { email: account.email, password: 'not-the-password-1' }, '198.51.100.5');
      t().clock.advance(1_000);
    }
    // The guard now delays every try with a password alone, the right one included.
    expect((await loginFrom(t(), account, '203.0.113.7')).status).toBe(401);
    const owner = await t().request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
      deviceToken: device.token,
    });
    expect(owner.status).toBe(200);
    expect(owner.body.state).toBe('authenticated');
    const subjects = await subjectsTo(t(), account.email);
    expect(subjects.filter((s) => s === guessingSubject)).toHaveLength(1);
  });

  it('lets the owner on a trusted computer in from an address that is rate limited (shared NAT)', async () => {
    const account = await enrolledAccount(t());
    const device =
      (await loginWithTotp(t(), account)).device ?? (await loginWithTotp(t(), account, {})).device!;
    const office = '198.51.100.200';
    for (let i = 0; i < 101; i++)
      await loginFrom(t(), { email: `colleague${i}@example.org`, password: 'wrong-password-1' }, office);
    expect((await loginFrom(t(), account, office)).status).toBe(429);
    const owner = await t().request(
      'POST',
      '/v1/login',
      { email: account.email, password: account.password, deviceToken: device.token },
      {},
      office,
    );
    expect(owner.status).toBe(200);
  });

  it('gives a trusted computer only a small budget of wrong passwords of its own', async () => {
    const account = await enrolledAccount(t());
    const device = (await loginWithTotp(t(), account, {})).device!;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const answer = await t().request('POST', '/v1/login', {
        email: account.email,
        password: `wrong-password-${i}`,
        deviceToken: device.token,
      });
      statuses.push(answer.status);
    }
    expect(statuses.every((s) => s === 401)).toBe(true);
    // After its budget the token no longer bypasses the guard, which is closed by now.
    const right = await t().request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
      deviceToken: device.token,
    });
    expect(right.status).toBe(401);
  });
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  it(`34. keeps the per-address budget across two instances [${dialect}]`, async () => {
    const pair = await twoInstances(dialect);
    try {
      const account = await enrolledAccount(pair.first);
      let refused = 0;
      let reached = 0;
      for (let i = 0; i < 30; i++) {
        const via = i % 2 === 0 ? pair.first : pair.second;
        const started = await loginFrom(via, account, '198.51.100.9');
        const answer = await via.request(
          'POST',
          `/v1/login/${started.body.loginId}/verify`,
          {
            factorId: account.totpFactorId,
            code: wrongCodes(1, [await totpCode(account.totpSecret, pair.first)])[0]!,
          },
          {},
          '198.51.100.9',
        );
        if (answer.status === 401) reached += 1;
        else refused += 1;
      }
      expect(reached).toBe(codeFailureBudgets.perSource.max);
      expect(refused).toBe(30 - codeFailureBudgets.perSource.max);
      const owner = await rightCodeFrom(pair.second, pair.first, account, '203.0.113.1');
      expect(owner.status).toBe(200);
    } finally {
      await pair.close();
    }
  });
}
