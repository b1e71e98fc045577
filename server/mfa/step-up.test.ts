import { expect, it } from 'vitest';
import { forEachDialect, type JsonResponse, type TestApi } from '../../test/helpers/harness';
import {
  accountWithTotp,
  bearer,
  lastCodeMailedTo,
  totpCode,
  type EnrolledAccount,
} from '../../test/helpers/mfa';
import { addEmailFactor, passwordStep, wrongCodes } from '../../test/helpers/mfa-factors';

// Step-up (docs/api.md "privileged"): a signed-in user proves a factor again before changing factors.

const minute = 60_000;

function expectError(response: { status: number; body: JsonResponse }, status: number, code: string) {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
  expect(response.body).not.toHaveProperty('privilegedUntil');
}

function startStepUp(api: TestApi, token: string, factorId: string) {
  return api.request('POST', '/v1/me/step-up', { factorId }, bearer(token));
}

function verifyStepUp(api: TestApi, token: string, factorId: string, code: string) {
  return api.request('POST', '/v1/me/step-up/verify', { factorId, code }, bearer(token));
}

function addRecoveryCodes(api: TestApi, token: string) {
  return api.request('POST', '/v1/me/factors', { type: 'recovery_codes' }, bearer(token));
}

async function privilegedUntil(api: TestApi, token: string): Promise<string | null> {
  return (await api.request('GET', '/v1/me', undefined, bearer(token))).body.session.privilegedUntil;
}

/** An account with the authenticator and an email factor, its enrollment privilege run out. */
async function accountWithTotpAndEmail(
  api: TestApi,
): Promise<EnrolledAccount & { emailFactorId: string; address: string }> {
  const account = await accountWithTotp(api);
  const address = `step-up.${account.email}`;
  const emailFactorId = await addEmailFactor(api, account.token, address);
  api.clock.advance(10 * minute);
  return { ...account, emailFactorId, address };
}

forEachDialect('step-up', (t) => {
  it('makes a session privileged for 10 minutes with an authenticator code', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    api.clock.advance(10 * minute);
    expectError(await addRecoveryCodes(api, account.token), 403, 'step_up_required');

    const started = await startStepUp(api, account.token, account.totpFactorId);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ factorId: account.totpFactorId, type: 'totp' });
    expect(started.body).not.toHaveProperty('sentTo');

    const at = api.clock.now();
    const verified = await verifyStepUp(
      api,
      account.token,
      account.totpFactorId,
      await totpCode(account.totpSecret, api),
    );
    expect(verified.status).toBe(200);
    expect(Date.parse(verified.body.privilegedUntil)).toBe(at + 10 * minute);
    expect(await privilegedUntil(api, account.token)).toBe(verified.body.privilegedUntil);

    api.clock.set(at + 10 * minute - 1);
    expect((await addRecoveryCodes(api, account.token)).status).toBe(201);
    api.clock.set(at + 10 * minute);
    expectError(await addRecoveryCodes(api, account.token), 403, 'step_up_required');
  });

  it('makes a session privileged for 10 minutes with a mailed code, which works once', async () => {
    const api = t();
    const account = await accountWithTotpAndEmail(api);
    expectError(await addRecoveryCodes(api, account.token), 403, 'step_up_required');

    const started = await startStepUp(api, account.token, account.emailFactorId);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({
      factorId: account.emailFactorId,
      type: 'email',
      sentTo: 's•••@example.net',
    });
    const code = await lastCodeMailedTo(api, account.address);

    const at = api.clock.now();
    const verified = await verifyStepUp(api, account.token, account.emailFactorId, code);
    expect(verified.status).toBe(200);
    expect(Date.parse(verified.body.privilegedUntil)).toBe(at + 10 * minute);
    expect((await addRecoveryCodes(api, account.token)).status).toBe(201);

    api.clock.advance(10 * minute);
    expectError(await verifyStepUp(api, account.token, account.emailFactorId, code), 401, 'invalid_code');
    expectError(await addRecoveryCodes(api, account.token), 403, 'step_up_required');
  });

  it('accepts a mailed step-up code at 9:59 and refuses it at 10:00', async () => {
    const api = t();
    const account = await accountWithTotpAndEmail(api);
    await startStepUp(api, account.token, account.emailFactorId);
    const inTime = await lastCodeMailedTo(api, account.address);
    api.clock.advance(9 * minute + 59_000);
    expect((await verifyStepUp(api, account.token, account.emailFactorId, inTime)).status).toBe(200);

    await startStepUp(api, account.token, account.emailFactorId);
    const late = await lastCodeMailedTo(api, account.address);
    api.clock.advance(10 * minute);
    expectError(await verifyStepUp(api, account.token, account.emailFactorId, late), 401, 'invalid_code');
    expectError(await addRecoveryCodes(api, account.token), 403, 'step_up_required');
  });

  it('counts wrong codes across step-up challenges and factors and refuses everything after the fifth', async () => {
    const api = t();
    const account = await accountWithTotpAndEmail(api);
    await startStepUp(api, account.token, account.emailFactorId);
    const mailed = await lastCodeMailedTo(api, account.address);
    const window = await Promise.all([-1, 0, 1].map((s) => totpCode(account.totpSecret, api, s)));
    const guesses = wrongCodes(5, [mailed, ...window]);

    for (const [i, code] of guesses.slice(0, 3).entries()) {
      const answer = await verifyStepUp(api, account.token, account.emailFactorId, code);
      expectError(answer, 401, 'invalid_code');
      expect(answer.body.error.attemptsLeft).toBe(4 - i);
    }
    // A new challenge, even for another factor, continues the count.
    expect((await startStepUp(api, account.token, account.totpFactorId)).status).toBe(200);
    const fourth = await verifyStepUp(api, account.token, account.totpFactorId, guesses[3]!);
    expectError(fourth, 401, 'invalid_code');
    expect(fourth.body.error.attemptsLeft).toBe(1);
    expectError(
      await verifyStepUp(api, account.token, account.totpFactorId, guesses[4]!),
      429,
      'too_many_attempts',
    );

    expectError(
      await verifyStepUp(api, account.token, account.totpFactorId, await totpCode(account.totpSecret, api)),
      429,
      'too_many_attempts',
    );
    expectError(
      await verifyStepUp(api, account.token, account.emailFactorId, mailed),
      429,
      'too_many_attempts',
    );
    api.clock.advance(30_000);
    expectError(await startStepUp(api, account.token, account.emailFactorId), 429, 'too_many_attempts');
    expectError(await addRecoveryCodes(api, account.token), 403, 'step_up_required');

    // Once the burned step-up has expired, the owner may try again.
    api.clock.advance(10 * minute);
    expect((await startStepUp(api, account.token, account.totpFactorId)).status).toBe(200);
    const verified = await verifyStepUp(
      api,
      account.token,
      account.totpFactorId,
      await totpCode(account.totpSecret, api),
    );
    expect(verified.status).toBe(200);
  });

  it('privileges only the session that stepped up', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const { loginId } = await passwordStep(api, account);
    const other = await api.request('POST', `/v1/login/${loginId}/verify`, {
      factorId: account.totpFactorId,
      code: await totpCode(account.totpSecret, api),
    });
    const otherToken: string = other.body.session.token;
    api.clock.advance(10 * minute);

    await startStepUp(api, account.token, account.totpFactorId);
    expect(
      (await verifyStepUp(api, account.token, account.totpFactorId, await totpCode(account.totpSecret, api)))
        .status,
    ).toBe(200);
    expect((await addRecoveryCodes(api, account.token)).status).toBe(201);
    expectError(await addRecoveryCodes(api, otherToken), 403, 'step_up_required');
    expect(Date.parse((await privilegedUntil(api, otherToken)) ?? '')).toBeLessThanOrEqual(api.clock.now());
  });

  it('refuses a pending factor and another account’s factor', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const pending = await api.request(
      'POST',
      '/v1/me/factors',
      { type: 'email', email: `pending.${account.email}` },
      bearer(account.token),
    );
    const code = await lastCodeMailedTo(api, `pending.${account.email}`);
    const stranger = await accountWithTotp(api);

    expectError(await startStepUp(api, account.token, pending.body.factor.id), 404, 'factor_not_found');
    expectError(
      await verifyStepUp(api, account.token, pending.body.factor.id, code),
      404,
      'factor_not_found',
    );
    expectError(await startStepUp(api, account.token, stranger.totpFactorId), 404, 'factor_not_found');
    expectError(
      await verifyStepUp(api, account.token, stranger.totpFactorId, await totpCode(stranger.totpSecret, api)),
      404,
      'factor_not_found',
    );
  });
});
