import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { setRole } from '../../server/admin/roles';
import { forEachDialect, type JsonResponse, type TestApi } from '../helpers/harness';
import { accountWithTotp, bearer, lastCodeMailedTo, totpCode, type EnrolledAccount } from '../helpers/mfa';
import {
  addEmailFactor,
  addRecoveryCodes,
  addSmsFactor,
  passwordStep,
  SmsInbox,
  uniqueMobile,
  wrongCodes,
} from '../helpers/mfa-factors';

// docs/security.md 10-15: what someone holding a password (or less) can do against the second factor.

const minute = 60_000;
const inbox = new SmsInbox();

function verify(api: TestApi, loginId: string, factorId: string, code: string) {
  return api.request('POST', `/v1/login/${loginId}/verify`, { factorId, code });
}

function challenge(api: TestApi, loginId: string, factorId: string) {
  return api.request('POST', `/v1/login/${loginId}/challenge`, { factorId });
}

function expectError(response: { status: number; body: JsonResponse }, status: number, code: string) {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
  expect(response.body).not.toHaveProperty('session');
}

/** The codes an authenticator shows now and one step either side: every one the server may accept. */
function totpWindow(account: EnrolledAccount, api: TestApi): Promise<string[]> {
  return Promise.all([-1, 0, 1].map((steps) => totpCode(account.totpSecret, api, steps)));
}

/**
 * Opens several database connections (PostgreSQL pool) with parallel reads, so that the parallel
 * requests that follow really overlap instead of one finishing while the next connects.
 */
async function warmUp(api: TestApi, token: string): Promise<void> {
  await Promise.all(Array.from({ length: 8 }, () => api.request('GET', '/v1/me', undefined, bearer(token))));
}

async function flowRow(api: TestApi, loginId: string) {
  return api.db.selectFrom('mfa_flows').selectAll().where('id', '=', loginId).executeTakeFirstOrThrow();
}

async function sessionCount(api: TestApi, email: string): Promise<number> {
  const rows = await api.db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .select('sessions.id')
    .where('accounts.email', '=', email)
    .execute();
  return rows.length;
}

type Channel = 'email' | 'sms';

interface CodeAccount extends EnrolledAccount {
  factorId: string;
  /** The newest code sent to the factor's address or number. */
  lastCode(): Promise<string>;
}

/** An account with the authenticator app and one code factor of the given channel. */
async function accountWithCodeFactor(api: TestApi, channel: Channel): Promise<CodeAccount> {
  const account = await accountWithTotp(api);
  if (channel === 'email') {
    const address = `codes.${account.email}`;
    const factorId = await addEmailFactor(api, account.token, address);
    return { ...account, factorId, lastCode: () => lastCodeMailedTo(api, address) };
  }
  const sms = await addSmsFactor(api, inbox, account.token, uniqueMobile());
  return { ...account, factorId: sms.id, lastCode: () => inbox.lastCodeTo(api, sms.e164) };
}

forEachDialect('SECURITY 10: parallel code guessing', (t) => {
  it('lets at most five of fifty parallel wrong codes reach verification and then refuses the right code', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const { loginId } = await passwordStep(api, account);
    const guesses = wrongCodes(50, await totpWindow(account, api));
    await warmUp(api, account.token);

    const answers = await Promise.all(
      guesses.map((code) => verify(api, loginId, account.totpFactorId, code)),
    );
    const codes = answers.map((a) => `${a.status} ${a.body.error?.code}`);
    const invalid = codes.filter((c) => c === '401 invalid_code').length;
    expect(invalid).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === '429 too_many_attempts').length).toBe(50 - invalid);
    const flow = await flowRow(api, loginId);
    expect(flow.failures).toBeLessThanOrEqual(5);
    expect(flow.burned_at).not.toBeNull();

    const sessionsBefore = await sessionCount(api, account.email);
    const right = await verify(api, loginId, account.totpFactorId, await totpCode(account.totpSecret, api));
    expectError(right, 429, 'too_many_attempts');
    expect(await sessionCount(api, account.email)).toBe(sessionsBefore);
  });

  it('counts down the attempts left and burns the login at the fifth wrong code', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const { loginId } = await passwordStep(api, account);
    const guesses = wrongCodes(5, await totpWindow(account, api));
    for (const [i, code] of guesses.slice(0, 4).entries()) {
      const answer = await verify(api, loginId, account.totpFactorId, code);
      expectError(answer, 401, 'invalid_code');
      expect(answer.body.error.attemptsLeft).toBe(4 - i);
    }
    expectError(await verify(api, loginId, account.totpFactorId, guesses[4]!), 429, 'too_many_attempts');
    expectError(
      await verify(api, loginId, account.totpFactorId, await totpCode(account.totpSecret, api)),
      429,
      'too_many_attempts',
    );
    // Asking for another challenge does not revive it either.
    expectError(await challenge(api, loginId, account.totpFactorId), 429, 'too_many_attempts');
  });

  it('stops a guesser who keeps starting new logins from one address after ten wrong codes in an hour', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const window = await totpWindow(account, api);
    const guesses = wrongCodes(10, window);
    for (let round = 0; round < 2; round += 1) {
      const { loginId } = await passwordStep(api, account);
      for (const code of guesses.slice(round * 5, round * 5 + 5))
        await verify(api, loginId, account.totpFactorId, code);
    }
    const fresh = await passwordStep(api, account);
    expectError(
      await verify(api, fresh.loginId, account.totpFactorId, await totpCode(account.totpSecret, api)),
      429,
      'too_many_attempts',
    );

    api.clock.advance(60 * minute);
    const later = await passwordStep(api, account);
    const accepted = await verify(
      api,
      later.loginId,
      account.totpFactorId,
      await totpCode(account.totpSecret, api),
    );
    expect(accepted.status).toBe(200);
  });
});

forEachDialect('SECURITY 11: the TOTP window at login', (t) => {
  it('accepts the codes of one step before and after now and refuses two steps away', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    // 29 s into a step, three steps after the one used to enroll: no neighbour is a replay.
    api.clock.advance(60_000 + 29_000);

    const refusing = await passwordStep(api, account);
    for (const steps of [-2, 2]) {
      const code = await totpCode(account.totpSecret, api, steps);
      expect(await totpWindow(account, api)).not.toContain(code);
      expectError(await verify(api, refusing.loginId, account.totpFactorId, code), 401, 'invalid_code');
    }

    // Oldest first: each accepted code moves the replay mark forward.
    for (const steps of [-1, 0, 1]) {
      const { loginId } = await passwordStep(api, account);
      const code = await totpCode(account.totpSecret, api, steps);
      const answer = await verify(api, loginId, account.totpFactorId, code);
      expect(answer.status).toBe(200);
      expect(answer.body.state).toBe('authenticated');
      expect(answer.body.session.scope).toBe('full');
    }
  });
});

forEachDialect('SECURITY 12: TOTP replay', (t) => {
  it('refuses a code that was already accepted, at login and at step-up', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const code = await totpCode(account.totpSecret, api);
    const first = await passwordStep(api, account);
    expect((await verify(api, first.loginId, account.totpFactorId, code)).status).toBe(200);

    const second = await passwordStep(api, account);
    expectError(await verify(api, second.loginId, account.totpFactorId, code), 401, 'invalid_code');
    const stepUp = await api.request(
      'POST',
      '/v1/me/step-up/verify',
      { factorId: account.totpFactorId, code },
      bearer(account.token),
    );
    expectError(stepUp, 401, 'invalid_code');
  });

  it('accepts one code used by two logins at the same moment exactly once', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const code = await totpCode(account.totpSecret, api);
    const a = await passwordStep(api, account);
    const b = await passwordStep(api, account);
    const sessionsBefore = await sessionCount(api, account.email);
    await warmUp(api, account.token);

    const answers = await Promise.all([
      verify(api, a.loginId, account.totpFactorId, code),
      verify(api, b.loginId, account.totpFactorId, code),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
    expect(answers.find((r) => r.status === 401)?.body.error.code).toBe('invalid_code');
    expect(await sessionCount(api, account.email)).toBe(sessionsBefore + 1);
  });

  it('refuses an older code after a newer one was accepted', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const newer = await totpCode(account.totpSecret, api, 1);
    const older = await totpCode(account.totpSecret, api, 0);
    const first = await passwordStep(api, account);
    expect((await verify(api, first.loginId, account.totpFactorId, newer)).status).toBe(200);

    const second = await passwordStep(api, account);
    expectError(await verify(api, second.loginId, account.totpFactorId, older), 401, 'invalid_code');
    // The window moves on: two steps later the next code is accepted again.
    api.clock.advance(60_000);
    const later = await totpCode(account.totpSecret, api);
    expect((await verify(api, second.loginId, account.totpFactorId, later)).status).toBe(200);
  });
});

forEachDialect(
  'SECURITY 13: mailed and texted codes',
  (t) => {
    for (const channel of ['email', 'sms'] as const) {
      it(`accepts a ${channel} code at 9:59 and refuses it at 10:00 and 10:01`, async () => {
        const api = t();
        const account = await accountWithCodeFactor(api, channel);

        const inTime = await passwordStep(api, account);
        expect((await challenge(api, inTime.loginId, account.factorId)).status).toBe(200);
        const code = await account.lastCode();
        api.clock.advance(9 * minute + 59_000);
        expect((await verify(api, inTime.loginId, account.factorId, code)).status).toBe(200);

        for (const late of [10 * minute, 10 * minute + 1_000]) {
          const { loginId } = await passwordStep(api, account);
          const sent = await challenge(api, loginId, account.factorId);
          expect(Date.parse(sent.body.expiresAt) - api.clock.now()).toBe(10 * minute);
          const lateCode = await account.lastCode();
          api.clock.advance(late);
          expectError(await verify(api, loginId, account.factorId, lateCode), 401, 'invalid_code');
        }
      });

      it(`ties a ${channel} code to the login that asked, accepts it once and stores only its keyed hash`, async () => {
        const api = t();
        const account = await accountWithCodeFactor(api, channel);
        const a = await passwordStep(api, account);
        const b = await passwordStep(api, account);
        await challenge(api, a.loginId, account.factorId);
        const codeA = await account.lastCode();
        await challenge(api, b.loginId, account.factorId);
        const codeB = await account.lastCode();

        const stored = await api.db
          .selectFrom('mfa_codes')
          .selectAll()
          .where('flow_id', '=', a.loginId)
          .execute();
        expect(stored).toHaveLength(1);
        const row = stored[0]!;
        for (const text of [row.id, row.flow_id, row.factor_id, row.code_hash])
          expect(text).not.toContain(codeA);
        // Not even an unkeyed hash, which a million guesses would reverse.
        const plain = createHash('sha256').update(codeA).digest();
        for (const encoding of ['hex', 'base64', 'base64url'] as const)
          expect(row.code_hash).not.toBe(plain.toString(encoding));

        // Each login's code works on that login only.
        expectError(await verify(api, b.loginId, account.factorId, codeA), 401, 'invalid_code');
        expectError(await verify(api, a.loginId, account.factorId, codeB), 401, 'invalid_code');
        expect((await verify(api, a.loginId, account.factorId, codeA)).status).toBe(200);

        // And once: the login is done, and the code is used up.
        expectError(await verify(api, a.loginId, account.factorId, codeA), 410, 'login_expired');
        const used = await api.db
          .selectFrom('mfa_codes')
          .select('used_at')
          .where('flow_id', '=', a.loginId)
          .execute();
        expect(used.map((r) => r.used_at)).toEqual([api.clock.now()]);
        expect((await verify(api, b.loginId, account.factorId, codeB)).status).toBe(200);
      });
    }

    it('accepts a mailed code once when two requests race with it', async () => {
      const api = t();
      const account = await accountWithCodeFactor(api, 'email');
      const { loginId } = await passwordStep(api, account);
      await challenge(api, loginId, account.factorId);
      const code = await account.lastCode();
      const sessionsBefore = await sessionCount(api, account.email);
      await warmUp(api, account.token);

      const answers = await Promise.all([
        verify(api, loginId, account.factorId, code),
        verify(api, loginId, account.factorId, code),
      ]);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      expect(await sessionCount(api, account.email)).toBe(sessionsBefore + 1);
    });

    it('lets a resent code replace the older one', async () => {
      const api = t();
      const account = await accountWithCodeFactor(api, 'email');
      const { loginId } = await passwordStep(api, account);
      await challenge(api, loginId, account.factorId);
      const older = await account.lastCode();
      api.clock.advance(30_000);
      expect((await challenge(api, loginId, account.factorId)).status).toBe(200);
      const newer = await account.lastCode();
      expect(newer).not.toBe(older);

      const refused = await verify(api, loginId, account.factorId, older);
      expectError(refused, 401, 'invalid_code');
      expect(refused.body.error.attemptsLeft).toBe(4);
      expect((await verify(api, loginId, account.factorId, newer)).status).toBe(200);
    });

    it('keeps the wrong codes of a login across a resend: three, a resend and two more burn it', async () => {
      const api = t();
      const account = await accountWithCodeFactor(api, 'email');
      const { loginId } = await passwordStep(api, account);
      await challenge(api, loginId, account.factorId);
      const older = await account.lastCode();
      for (const code of wrongCodes(3, [older]))
        expectError(await verify(api, loginId, account.factorId, code), 401, 'invalid_code');

      api.clock.advance(30_000);
      expect((await challenge(api, loginId, account.factorId)).status).toBe(200);
      const newer = await account.lastCode();
      const fourth = await verify(api, loginId, account.factorId, older);
      expectError(fourth, 401, 'invalid_code');
      expect(fourth.body.error.attemptsLeft).toBe(1);
      expectError(
        await verify(api, loginId, account.factorId, wrongCodes(1, [older, newer])[0]!),
        429,
        'too_many_attempts',
      );
      expectError(await verify(api, loginId, account.factorId, newer), 429, 'too_many_attempts');
    });

    it('refuses a resend within 30 seconds of the last code', async () => {
      const api = t();
      const account = await accountWithCodeFactor(api, 'sms');
      const { loginId } = await passwordStep(api, account);
      const first = await challenge(api, loginId, account.factorId);
      expect(Date.parse(first.body.resendAfter) - api.clock.now()).toBe(30_000);
      const code = await account.lastCode();

      api.clock.advance(29_000);
      const early = await challenge(api, loginId, account.factorId);
      expectError(early, 429, 'resend_too_soon');
      // Nothing was sent and the first code still stands.
      expect(await account.lastCode()).toBe(code);

      api.clock.advance(1_000);
      expect((await challenge(api, loginId, account.factorId)).status).toBe(200);
    });
  },
  { smsProvider: inbox },
);

forEachDialect('SECURITY 14: factors that are not this login’s', (t) => {
  it('refuses the factor id of another account, to challenge and to verify', async () => {
    const api = t();
    const mine = await accountWithTotp(api);
    const theirs = await accountWithTotp(api);
    const { loginId } = await passwordStep(api, mine);

    expectError(await challenge(api, loginId, theirs.totpFactorId), 404, 'factor_not_found');
    const theirCode = await totpCode(theirs.totpSecret, api);
    expectError(await verify(api, loginId, theirs.totpFactorId, theirCode), 404, 'factor_not_found');
    expectError(
      await api.request('POST', '/v1/me/step-up', { factorId: theirs.totpFactorId }, bearer(mine.token)),
      404,
      'factor_not_found',
    );

    // The probe cost the login nothing, and their code still works for them.
    expect((await verify(api, loginId, mine.totpFactorId, await totpCode(mine.totpSecret, api))).status).toBe(
      200,
    );
    const theirLogin = await passwordStep(api, theirs);
    expect((await verify(api, theirLogin.loginId, theirs.totpFactorId, theirCode)).status).toBe(200);
  });

  it('refuses a factor that is still pending, to challenge and to verify', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const address = `pending.${account.email}`;
    const email = await api.request(
      'POST',
      '/v1/me/factors',
      { type: 'email', email: address },
      bearer(account.token),
    );
    const enrolmentCode = await lastCodeMailedTo(api, address);
    const totp = await api.request('POST', '/v1/me/factors', { type: 'totp' }, bearer(account.token));
    const pendingTotpCode = await totpCode(totp.body.secret, api);

    const { loginId, factors } = await passwordStep(api, account);
    expect(factors.map((f) => f.id)).toEqual([account.totpFactorId]);
    expectError(await challenge(api, loginId, email.body.factor.id), 404, 'factor_not_found');
    expectError(await verify(api, loginId, email.body.factor.id, enrolmentCode), 404, 'factor_not_found');
    expectError(await verify(api, loginId, totp.body.factor.id, pendingTotpCode), 404, 'factor_not_found');
    expect(await lastCodeMailedTo(api, address)).toBe(enrolmentCode);
  });

  it('refuses the recovery code of another account', async () => {
    const api = t();
    const mine = await accountWithTotp(api);
    const theirs = await accountWithTotp(api);
    const myCodes = await addRecoveryCodes(api, mine.token);
    const theirCodes = await addRecoveryCodes(api, theirs.token);
    const { loginId } = await passwordStep(api, mine);

    expectError(await verify(api, loginId, myCodes.id, theirCodes.codes[0]!), 401, 'invalid_code');
    expectError(await verify(api, loginId, theirCodes.id, theirCodes.codes[0]!), 404, 'factor_not_found');
    expect((await verify(api, loginId, myCodes.id, myCodes.codes[0]!)).status).toBe(200);

    const theirLogin = await passwordStep(api, theirs);
    expect((await verify(api, theirLogin.loginId, theirCodes.id, theirCodes.codes[0]!)).status).toBe(200);
  });
});

forEachDialect('SECURITY 15: half-logged-in clients', (t) => {
  /** Every call that needs a full session (or the support role), with placeholder ids. */
  function beyondEnrollment(factorId: string): [string, string, unknown?][] {
    return [
      ['GET', '/v1/me/devices'],
      ['DELETE', '/v1/me/devices'],
      ['DELETE', '/v1/me/devices/some-device'],
      ['POST', '/v1/me/step-up', { factorId }],
      ['POST', '/v1/me/step-up/verify', { factorId, code: '123456' }],
      ['DELETE', `/v1/me/factors/${factorId}`],
      ['GET', '/v1/admin/mfa-reset-requests'],
      ['GET', '/v1/admin/mfa-reset-requests?status=pending'],
      ['POST', '/v1/admin/mfa-reset-requests/some-request/approve', { note: 'ok' }],
      ['POST', '/v1/admin/mfa-reset-requests/some-request/deny', { note: 'no' }],
      ['GET', '/v1/admin/audit?accountId=someone'],
    ];
  }

  it('gives an enrollment session nothing but enrolling, even with the support role', async () => {
    const api = t();
    const account = await api.activeAccount();
    await setRole(api.api.context, account.email, 'support', true, 'operator:test');
    const first = await api.request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
    });
    expect(first.body.state).toBe('mfa_enrollment_required');
    const enrollment = bearer(first.body.session.token);
    const pending = await api.request('POST', '/v1/me/factors', { type: 'totp' }, enrollment);
    expect(pending.status).toBe(201);

    for (const [method, url, body] of beyondEnrollment(pending.body.factor.id)) {
      const answer = await api.request(method, url, body, enrollment);
      expect({ call: `${method} ${url}`, status: answer.status }).toEqual({
        call: `${method} ${url}`,
        status: 403,
      });
      expect(answer.body.error.code).toBe('enrollment_required');
    }
    // The session itself is alive: it may still read /v1/me and finish enrolling.
    expect((await api.request('GET', '/v1/me', undefined, enrollment)).status).toBe(200);
    const verified = await api.request(
      'POST',
      `/v1/me/factors/${pending.body.factor.id}/verify`,
      { code: await totpCode(pending.body.secret, api) },
      enrollment,
    );
    expect(verified.body.session.scope).toBe('full');
  });

  it('does not let an enrollment session make recovery codes its way to a full login', async () => {
    const api = t();
    const account = await api.activeAccount();
    const first = await api.request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
    });
    const enrollment = bearer(first.body.session.token);

    const codes = await api.request('POST', '/v1/me/factors', { type: 'recovery_codes' }, enrollment);
    expectError(codes, 403, 'enrollment_required');
    expect(codes.body).not.toHaveProperty('codes');
    expect(await api.db.selectFrom('mfa_factors').select('id').execute()).toEqual([]);
    const again = await api.request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
    });
    expect(again.body.state).toBe('mfa_enrollment_required');
  });

  it('does not take a loginId as a bearer token', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    await setRole(api.api.context, account.email, 'support', true, 'operator:test');
    const { loginId } = await passwordStep(api, account);
    const asToken = bearer(loginId);

    const calls: [string, string, unknown?][] = [
      ['GET', '/v1/me'],
      ['POST', '/v1/me/factors', { type: 'totp' }],
      ['POST', '/v1/me/factors', { type: 'recovery_codes' }],
      ['POST', `/v1/me/factors/${account.totpFactorId}/verify`, { code: '123456' }],
      ['POST', `/v1/me/factors/${account.totpFactorId}/resend`],
      ['POST', '/v1/logout', {}],
      ...beyondEnrollment(account.totpFactorId),
    ];
    for (const [method, url, body] of calls) {
      const answer = await api.request(method, url, body, asToken);
      expect({ call: `${method} ${url}`, status: answer.status }).toEqual({
        call: `${method} ${url}`,
        status: 401,
      });
      expect(answer.body.error.code).toBe('unauthenticated');
    }
    // Nothing was added, and the login itself is untouched.
    const factors = await api.db.selectFrom('mfa_factors').select('id').execute();
    expect(factors.map((f) => f.id)).toEqual([account.totpFactorId]);
    expect(
      (await verify(api, loginId, account.totpFactorId, await totpCode(account.totpSecret, api))).status,
    ).toBe(200);
  });
});
