import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonResponse } from '../helpers/harness';
import { twoInstances, type TwoInstances } from '../helpers/instances';
import { login, passwordChecksFailed } from '../helpers/login';
import { accountWithTotp, bearer, totpCode } from '../helpers/mfa';
import { addEmailFactor, passwordStep, wrongCodes } from '../helpers/mfa-factors';
import { activationTokenIn } from '../helpers/smtp-peer';
import { loginWithTotp, nextTotpCode } from '../helpers/trust';

// docs/security.md 29: two API instances on one PostgreSQL database. Brute-force limits and single-use rules
// live in the database, so requests split over both instances at the same moment get no more than one
// instance would give. (Parallel requests over two connection pools race for real only on PostgreSQL.)

const freeAttempts = 5;
const wrongPassword = 'not-the-right-password-7';

function statuses(responses: { status: number }[]): number[] {
  return responses.map((r) => r.status).sort();
}

function count(responses: { status: number; body: JsonResponse }[], code: string): number {
  return responses.filter((r) => r.body?.error?.code === code).length;
}

describe('two API instances on one PostgreSQL database', () => {
  let pair: TwoInstances;

  beforeEach(async () => {
    pair = await twoInstances('postgres');
  });

  afterEach(async () => {
    await pair.close();
  });

  it('lets at most five wrong passwords split over both instances reach verification', async () => {
    const { first, second } = pair;
    const account = await first.activeAccount();
    const burst = await pair.spread(20, (via) => login(via, account.email, wrongPassword));
    expect(burst.every((r) => r.status === 401 && r.body.error.code === 'invalid_credentials')).toBe(true);
    const checked = await passwordChecksFailed(first, account.email);
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(freeAttempts);

    // Later guesses on either instance only fill up what the burst left of the free attempts.
    for (let i = 0; i < freeAttempts; i += 1)
      await login(i % 2 ? second : first, account.email, wrongPassword);
    expect(await passwordChecksFailed(first, account.email)).toBe(freeAttempts);
    for (const via of [first, second]) {
      const right = await login(via, account.email, account.password);
      expect(right.status).toBe(401);
      expect(right.body.error.code).toBe('invalid_credentials');
    }
  });

  it('activates an account once when its link is used on both instances at once', async () => {
    const { first } = pair;
    const account = await first.signup();
    const [mail] = await first.mailsTo(account.email);
    const token = activationTokenIn(mail!);

    const responses = await pair.spread(6, (via) => via.request('POST', '/v1/activation', { token }));
    expect(statuses(responses)).toEqual([200, 409, 409, 409, 409, 409]);
    expect(count(responses, 'activation_used')).toBe(5);
    const activations = await first.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'account.activated')
      .execute();
    expect(activations).toHaveLength(1);
  });

  it('accepts an authenticator code once when it is verified on both instances at once', async () => {
    const { first } = pair;
    const account = await accountWithTotp(first);
    const logins: string[] = [];
    for (let i = 0; i < 4; i += 1) logins.push((await passwordStep(first, account)).loginId);
    const sessionsBefore = (await first.db.selectFrom('sessions').select('id').execute()).length;

    const code = await nextTotpCode(first, account.totpSecret);
    const responses = await pair.spread(logins.length, (via, i) =>
      via.request('POST', `/v1/login/${logins[i]}/verify`, { factorId: account.totpFactorId, code }),
    );
    expect(statuses(responses)).toEqual([200, 401, 401, 401]);
    expect(count(responses, 'invalid_code')).toBe(3);
    const sessionsAfter = (await first.db.selectFrom('sessions').select('id').execute()).length;
    expect(sessionsAfter).toBe(sessionsBefore + 1);
  });

  it('holds the five-attempt cap of a login when wrong codes are split over both instances', async () => {
    const { first, second } = pair;
    const account = await accountWithTotp(first);
    const { loginId } = await passwordStep(first, account);
    const right = await nextTotpCode(first, account.totpSecret);
    // None of the guesses is a code the ±1 step window would accept.
    const accepted = await Promise.all([-1, 0, 1].map((steps) => totpCode(account.totpSecret, first, steps)));
    const guesses = wrongCodes(10, accepted);

    const responses = await pair.spread(guesses.length, (via, i) =>
      via.request('POST', `/v1/login/${loginId}/verify`, {
        factorId: account.totpFactorId,
        code: guesses[i],
      }),
    );
    for (const response of responses) expect([401, 429]).toContain(response.status);
    expect(count(responses, 'invalid_code') + count(responses, 'too_many_attempts')).toBe(guesses.length);
    expect(count(responses, 'invalid_code')).toBeLessThanOrEqual(freeAttempts);
    // Every guess that was checked was counted first: never more than five for one login.
    const flow = await first.db
      .selectFrom('mfa_flows')
      .select(['failures', 'burned_at'])
      .where('id', '=', loginId)
      .executeTakeFirstOrThrow();
    expect(flow.failures).toBeLessThanOrEqual(freeAttempts);
    expect(flow.burned_at).not.toBeNull();

    // The login is burned on both instances, even for the right code; a new login is not.
    for (const via of [first, second]) {
      const late = await via.request('POST', `/v1/login/${loginId}/verify`, {
        factorId: account.totpFactorId,
        code: right,
      });
      expect(late.status).toBe(429);
      expect(late.body.error.code).toBe('too_many_attempts');
    }
    const fresh = await passwordStep(first, account);
    const verified = await second.request('POST', `/v1/login/${fresh.loginId}/verify`, {
      factorId: account.totpFactorId,
      code: right,
    });
    expect(verified.status).toBe(200);
  });

  it('keeps one factor when the removals of the last two go to different instances', async () => {
    const { first, second } = pair;
    const account = await accountWithTotp(first);
    const emailFactorId = await addEmailFactor(first, account.token, `codes.${account.email}`);
    const other = await loginWithTotp(first, account);

    const [totp, email] = await Promise.all([
      first.request('DELETE', `/v1/me/factors/${account.totpFactorId}`, undefined, bearer(account.token)),
      second.request('DELETE', `/v1/me/factors/${emailFactorId}`, undefined, bearer(other.token)),
    ]);
    expect([totp.status, email.status].filter((s) => s === 204)).toHaveLength(1);
    const loser = totp.status === 204 ? email : totp;
    // Refused by the rule, or its session already ended by the winner's removal.
    expect(['last_factor', 'unauthenticated']).toContain(loser.body.error.code);
    const left = await first.db
      .selectFrom('mfa_factors')
      .select('id')
      .where('status', '=', 'active')
      .where('type', 'in', ['email', 'sms', 'totp'])
      .execute();
    expect(left).toEqual([{ id: totp.status === 204 ? emailFactorId : account.totpFactorId }]);
  });
});
