import { expect, it } from 'vitest';
import { forEachDialect, uniqueEmail } from '../helpers/harness';
import {
  askReset,
  completeReset,
  linkTokenTo,
  meStatus,
  newPassword,
  proveTotp,
  resetIdFor,
  resetToken,
  startReset,
  verifyResetFactor,
} from '../helpers/lifecycle';
import { login, secondInstance } from '../helpers/login';
import { accountWithTotp, bearer, lastCodeMailedTo } from '../helpers/mfa';
import { addEmailFactor, addRecoveryCodes, wrongCodes } from '../helpers/mfa-factors';
import { enrolledAccount, loginWithDevice, loginWithTotp, nextTotpCode, subjectsTo } from '../helpers/trust';

// docs/security.md 59-64: forgot password (docs/api.md "Account lifecycle"). A reset link alone never
// sets the password of an account with a factor; it ends every session and trusted computer.

const hour = 3_600_000;

/** The fastest of a few runs: what the work costs, without the noise other processes add. */
async function fastest(runs: number, request: (round: number) => Promise<{ status: number }>) {
  let best = Infinity;
  for (let round = 0; round < runs; round += 1) {
    const started = performance.now();
    const response = await request(round);
    best = Math.min(best, performance.now() - started);
    expect(response.status).toBe(202);
  }
  return best;
}

forEachDialect('59. a password reset never bypasses the second factor', (t) => {
  it('sets the new password only after the mailed link and a factor, and ends every session and trusted computer', async () => {
    const account = await accountWithTotp(t());
    const trusted = await loginWithTotp(t(), account, { deviceName: 'Office laptop' });
    const token = await resetToken(t(), account.email);
    const started = await startReset(t(), token);
    expect(started.status).toBe(200);
    expect(started.body.factors).toEqual([
      { id: account.totpFactorId, type: 'totp', label: expect.any(String) },
    ]);
    const { resetId } = started.body;

    const challenge = await t().request('POST', `/v1/password-reset/${resetId}/challenge`, {
      factorId: account.totpFactorId,
    });
    expect(challenge.status).toBe(200);
    expect(challenge.body).toMatchObject({ factorId: account.totpFactorId, type: 'totp' });
    expect((await proveTotp(t(), resetId, account)).status).toBe(200);
    expect((await completeReset(t(), resetId, newPassword)).status).toBe(204);

    // Every session and trusted computer is gone; only the new password opens the account, with a factor.
    expect(await meStatus(t(), account.token)).toBe(401);
    expect(await meStatus(t(), trusted.token)).toBe(401);
    expect((await login(t(), account.email, account.password)).status).toBe(401);
    const withDevice = await loginWithDevice(
      t(),
      { ...account, password: newPassword },
      trusted.device!.token,
    );
    expect(withDevice.body.state).toBe('mfa_required');
    expect((await login(t(), account.email, newPassword)).body.state).toBe('mfa_required');
    expect(await subjectsTo(t(), account.email)).toContain('Your WEM password was changed');
  });

  it('refuses complete without the factor step (factor_required) and leaves the link usable', async () => {
    const account = await accountWithTotp(t());
    const token = await resetToken(t(), account.email);
    const resetId = await resetIdFor(t(), token);
    const refused = await completeReset(t(), resetId, newPassword);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('factor_required');
    expect((await login(t(), account.email, account.password)).body.state).toBe('mfa_required');
    expect(await meStatus(t(), account.token)).toBe(200);

    const again = await resetIdFor(t(), token);
    await proveTotp(t(), again, account);
    expect((await completeReset(t(), again, newPassword)).status).toBe(204);
  });

  it('refuses a factor of another account (factor_not_found) and still asks for a factor of this one', async () => {
    const victim = await accountWithTotp(t());
    const attacker = await accountWithTotp(t());
    const resetId = await resetIdFor(t(), await resetToken(t(), victim.email));
    const challenge = await t().request('POST', `/v1/password-reset/${resetId}/challenge`, {
      factorId: attacker.totpFactorId,
    });
    expect(challenge.body.error.code).toBe('factor_not_found');
    const verified = await proveTotp(t(), resetId, attacker);
    expect(verified.status).toBe(404);
    expect(verified.body.error.code).toBe('factor_not_found');
    expect((await completeReset(t(), resetId, newPassword)).body.error.code).toBe('factor_required');
    expect((await login(t(), victim.email, victim.password)).status).toBe(200);
  });

  it('caps wrong codes: five per factor step, three factor steps per link', async () => {
    const account = await accountWithTotp(t());
    const token = await resetToken(t(), account.email);
    const resetId = await resetIdFor(t(), token);
    const answers = [];
    for (const code of wrongCodes(5, [])) {
      answers.push((await verifyResetFactor(t(), resetId, account.totpFactorId, code)).body.error);
    }
    expect(answers.slice(0, 4).map((e) => [e.code, e.attemptsLeft])).toEqual([
      ['invalid_code', 4],
      ['invalid_code', 3],
      ['invalid_code', 2],
      ['invalid_code', 1],
    ]);
    expect(answers[4].code).toBe('too_many_attempts');
    // The burned step refuses the right code too, and completing it still needs a factor.
    expect((await proveTotp(t(), resetId, account)).body.error.code).toBe('too_many_attempts');
    expect((await completeReset(t(), resetId, newPassword)).body.error.code).toBe('factor_required');

    await resetIdFor(t(), token);
    await resetIdFor(t(), token);
    const fourth = await startReset(t(), token);
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.code).toBe('too_many_attempts');
  });

  it('accepts a recovery code as the factor, once', async () => {
    const account = await accountWithTotp(t());
    const recovery = await addRecoveryCodes(t(), account.token);
    const code = recovery.codes[0]!;
    const first = await resetIdFor(t(), await resetToken(t(), account.email));
    expect((await verifyResetFactor(t(), first, recovery.id, code)).status).toBe(200);
    expect((await completeReset(t(), first, newPassword)).status).toBe(204);

    const second = await resetIdFor(t(), await resetToken(t(), account.email));
    const reused = await verifyResetFactor(t(), second, recovery.id, code);
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('invalid_code');
  });

  it('mails a code to an email factor and accepts it once', async () => {
    const account = await accountWithTotp(t());
    const factorAddress = uniqueEmail('factor');
    const factorId = await addEmailFactor(t(), account.token, factorAddress);
    const resetId = await resetIdFor(t(), await resetToken(t(), account.email));
    const sent = await t().request('POST', `/v1/password-reset/${resetId}/challenge`, { factorId });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ factorId, type: 'email', sentTo: expect.stringContaining('@') });
    const code = await lastCodeMailedTo(t(), factorAddress);
    expect((await verifyResetFactor(t(), resetId, factorId, code)).status).toBe(200);
    expect((await completeReset(t(), resetId, newPassword)).status).toBe(204);
    const other = await resetIdFor(t(), await resetToken(t(), account.email));
    expect((await verifyResetFactor(t(), other, factorId, code)).body.error.code).toBe('invalid_code');
  });

  it('refuses a TOTP code that was already used for the reset (replay)', async () => {
    const account = await accountWithTotp(t());
    const token = await resetToken(t(), account.email);
    const first = await resetIdFor(t(), token);
    const code = await nextTotpCode(t(), account.totpSecret);
    expect((await verifyResetFactor(t(), first, account.totpFactorId, code)).status).toBe(200);
    const second = await resetIdFor(t(), token);
    expect((await verifyResetFactor(t(), second, account.totpFactorId, code)).body.error.code).toBe(
      'invalid_code',
    );
  });

  it('resets an account that never finished enrolling with the link alone; it enrolls at the next sign-in', async () => {
    const account = await t().activeAccount();
    const started = await startReset(t(), await resetToken(t(), account.email));
    expect(started.body.factors).toEqual([]);
    expect((await completeReset(t(), started.body.resetId, newPassword)).status).toBe(204);
    const signedIn = await login(t(), account.email, newPassword);
    expect(signedIn.body.state).toBe('mfa_enrollment_required');
  });

  it('applies the password rules of signup', async () => {
    const account = await t().activeAccount();
    const resetId = await resetIdFor(t(), await resetToken(t(), account.email));
    const weak = await completeReset(t(), resetId, 'password');
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('weak_password');
    expect(weak.body.error.reasons.length).toBeGreaterThan(0);
    expect((await completeReset(t(), resetId, newPassword)).status).toBe(204);
  });
});

forEachDialect('60. a reset link works once, expires, and is voided by a newer one', (t) => {
  it('works at PASSWORD_RESET_TTL − 1 s and is reset_expired at + 1 s', async () => {
    const account = await t().activeAccount();
    const token = await resetToken(t(), account.email);
    t().clock.advance(hour - 1000);
    const resetId = await resetIdFor(t(), token);
    t().clock.advance(2000);
    const expired = await startReset(t(), token);
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('reset_expired');
    // A factor step opened before the link expired ends with it.
    expect((await completeReset(t(), resetId, newPassword)).body.error.code).toBe('reset_expired');
    expect((await login(t(), account.email, account.password)).status).toBe(200);
  });

  it('says reset_used to a second complete and to the used link', async () => {
    const account = await t().activeAccount();
    const token = await resetToken(t(), account.email);
    const first = await resetIdFor(t(), token);
    const second = await resetIdFor(t(), token);
    expect((await completeReset(t(), first, newPassword)).status).toBe(204);
    const again = await completeReset(t(), first, 'another-fresh-passphrase-3');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('reset_used');
    expect((await completeReset(t(), second, 'another-fresh-passphrase-3')).body.error.code).toBe(
      'reset_used',
    );
    expect((await startReset(t(), token)).body.error.code).toBe('reset_used');
    expect((await login(t(), account.email, newPassword)).status).toBe(200);
  });

  it('lets exactly one of parallel completes of one link through', async () => {
    const account = await enrolledAccount(t());
    const token = await resetToken(t(), account.email);
    const resetIds: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const resetId = await resetIdFor(t(), token);
      expect((await proveTotp(t(), resetId, account)).status).toBe(200);
      resetIds.push(resetId);
    }
    const passwords = resetIds.flatMap((id, i) => [
      { id, password: `parallel-river-stone-${i}a` },
      { id, password: `parallel-river-stone-${i}b` },
    ]);
    const answers = await Promise.all(passwords.map((p) => completeReset(t(), p.id, p.password)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([204, 409, 409, 409, 409, 409]);
    const winner = passwords[answers.findIndex((a) => a.status === 204)]!;
    const loser = passwords.find((p) => p !== winner)!;
    expect((await login(t(), account.email, winner.password)).status).toBe(200);
    expect((await login(t(), account.email, loser.password)).status).toBe(401);
    const changed = (await subjectsTo(t(), account.email)).filter(
      (s) => s === 'Your WEM password was changed',
    );
    expect(changed).toHaveLength(1);
  });

  it('voids the older link when a newer one is mailed', async () => {
    const account = await t().activeAccount();
    const older = await resetToken(t(), account.email);
    const olderStep = await resetIdFor(t(), older);
    const newer = await resetToken(t(), account.email);
    const voided = await startReset(t(), older);
    expect(voided.status).toBe(400);
    expect(voided.body.error).toMatchObject({ code: 'reset_invalid', reason: 'superseded' });
    expect((await completeReset(t(), olderStep, newPassword)).body.error.code).toBe('reset_invalid');
    expect((await startReset(t(), newer)).status).toBe(200);
  });

  it('calls forged tokens and unknown resetIds reset_invalid', async () => {
    const account = await t().activeAccount();
    const token = await resetToken(t(), account.email);
    const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
    for (const attempt of [forged, 'nonsense', `${'B'.repeat(16)}.${'C'.repeat(43)}`]) {
      expect((await startReset(t(), attempt)).body.error.code, attempt).toBe('reset_invalid');
    }
    expect((await completeReset(t(), 'unknownresetid00', newPassword)).body.error.code).toBe('reset_invalid');
    // A loginId is not a resetId.
    const owner = await accountWithTotp(t());
    const { body } = await login(t(), owner.email, owner.password);
    expect((await completeReset(t(), body.loginId, newPassword)).body.error.code).toBe('reset_invalid');
  });
});

forEachDialect('61. forgot password reveals no account', (t) => {
  it('answers the same for unknown, inactive and active addresses and mails only the active owner', async () => {
    const active = await t().activeAccount();
    const inactive = await t().signup();
    const unknown = uniqueEmail('nobody');
    const answers = await Promise.all([active.email, inactive.email, unknown].map((e) => askReset(t(), e)));
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ status: 'reset_sent' });
      expect(answer.headers['content-length']).toBe(answers[0]!.headers['content-length']);
    }
    expect(await subjectsTo(t(), active.email)).toContain('Reset your WEM password');
    expect(await subjectsTo(t(), inactive.email)).toEqual(['Activate your WEM account']);
    expect(await t().mailsTo(unknown)).toEqual([]);
  });

  it('takes about as long for an unknown or inactive address as for an active one', async () => {
    const active = await t().activeAccount();
    const inactive = await t().signup();
    const unknown = uniqueEmail('nobody');
    // Each round in an hour of its own and from an address of its own: the limits never answer.
    const ask = (email: string) => (round: number) => {
      t().clock.advance(hour + 1);
      return askReset(t(), email, `10.0.${round}.${email.length % 250}`);
    };
    await fastest(2, ask(active.email));
    await fastest(2, ask(unknown));
    const activeMs = await fastest(9, ask(active.email));
    const unknownMs = await fastest(9, ask(unknown));
    const inactiveMs = await fastest(9, ask(inactive.email));
    for (const ratio of [unknownMs / activeMs, inactiveMs / activeMs]) {
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    }
  });

  it('limits requests to 3 an hour per address and 20 an hour per client address', async () => {
    const account = await t().activeAccount();
    for (let i = 0; i < 3; i += 1)
      expect((await askReset(t(), account.email, `10.1.0.${i}`)).status).toBe(202);
    const limited = await askReset(t(), account.email, '10.1.0.9');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.body.error.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(
      (await t().mailsTo(account.email)).filter((m) => m.subject === 'Reset your WEM password'),
    ).toHaveLength(3);

    for (let i = 0; i < 20; i += 1) expect((await askReset(t(), uniqueEmail(), '10.2.0.1')).status).toBe(202);
    expect((await askReset(t(), uniqueEmail(), '10.2.0.1')).status).toBe(429);
    t().clock.advance(hour + 1);
    expect((await askReset(t(), account.email, '10.2.0.1')).status).toBe(202);
  });

  it('shares the limits between two instances on one database', async () => {
    const account = await t().activeAccount();
    const other = await secondInstance(t());
    try {
      expect((await askReset(t(), account.email, '10.3.0.1')).status).toBe(202);
      expect(
        (await other.request('POST', '/v1/password-reset', { email: account.email }, {}, '10.3.0.2')).status,
      ).toBe(202);
      expect((await askReset(t(), account.email, '10.3.0.3')).status).toBe(202);
      const fourth = await other.request(
        'POST',
        '/v1/password-reset',
        { email: account.email },
        {},
        '10.3.0.4',
      );
      expect(fourth.status).toBe(429);
    } finally {
      await other.close();
    }
  });

  it('mails the reset link in the account’s language', async () => {
    const account = await t().activeAccount({ locale: 'nl', firstName: 'Sanne' });
    await askReset(t(), account.email);
    const mail = (await t().mailsTo(account.email)).at(-1)!;
    expect(mail.subject).toBe('Stel een nieuw WEM-wachtwoord in');
    expect(mail.text).toContain('Hallo Sanne,');
    expect(mail.text).toContain('1 uur');
    expect(mail.text).toMatch(/^http:\/\/127\.0\.0\.1:4300\/reset-password\?token=\S+$/m);
  });

  it('never answers with the link, and a reset session is no session', async () => {
    const account = await accountWithTotp(t());
    const asked = await askReset(t(), account.email);
    expect(JSON.stringify(asked.body)).not.toContain('token');
    const resetId = await resetIdFor(t(), await linkTokenTo(t(), account.email, 'reset-password'));
    const proven = await proveTotp(t(), resetId, account);
    expect(proven.body).toEqual({ verified: true });
    expect((await t().request('GET', '/v1/me', undefined, bearer(resetId))).status).toBe(401);
  });
});
