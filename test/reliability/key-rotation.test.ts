import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rotateSecretKey } from '../../server/admin/rotate-secret-key';
import { cryptoRandom } from '../../server/support/random';
import { forEachDialect, startTestApi, type TestApi } from '../helpers/harness';
import { secondInstance, type SecondInstance } from '../helpers/login';
import { accountWithTotp, lastCodeMailedTo, type EnrolledAccount } from '../helpers/mfa';
import { addEmailFactor, addRecoveryCodes, passwordStep } from '../helpers/mfa-factors';
import { nextTotpCode } from '../helpers/trust';
import { runAdminCli } from '../helpers/admin-cli';

// Rotating SECRET_KEY with PREVIOUS_SECRET_KEY (docs/operations.md): instances restarted with the new
// key and the old one as PREVIOUS_SECRET_KEY keep every recovery code, every code already sent, every
// TOTP seed and every queued mail working, before and after `rotate-secret-key` has re-encrypted what
// it can. Without the setting, recovery codes of the old key stop working (they cannot be re-keyed).

const keyA = randomBytes(32);
const keyB = randomBytes(32);

/** The API restarted on the same database with SECRET_KEY = key B (and key A as the previous one). */
function restarted(t: TestApi, previous: Buffer | undefined): Promise<SecondInstance> {
  return secondInstance({
    ...t,
    config: {
      ...t.config,
      secretKey: keyB.toString('base64'),
      previousSecretKey: previous?.toString('base64'),
    },
  });
}

/** A sign-in of `account` through `via`, its second step answered with `code` for `factorId`. */
async function signIn(
  t: TestApi,
  via: SecondInstance,
  account: EnrolledAccount,
  factorId: string,
  code: string,
): Promise<{ status: number; code: string | undefined }> {
  const { loginId } = await passwordStep(t, account);
  const verified = await via.request('POST', `/v1/login/${loginId}/verify`, { factorId, code });
  return { status: verified.status, code: verified.body?.error?.code };
}

/** The id of the account's recovery-codes factor as its login offers it. */
async function recoveryFactorId(t: TestApi, account: EnrolledAccount): Promise<string> {
  const { factors } = await passwordStep(t, account);
  const factor = factors.find((f) => f.type === 'recovery_codes');
  if (!factor) throw new Error('no recovery codes factor');
  return factor.id;
}

forEachDialect(
  'rotating the server key with PREVIOUS_SECRET_KEY',
  (t) => {
    it('keeps recovery codes, codes already sent, TOTP seeds and queued mail of the old key working', async () => {
      const account = await accountWithTotp(t());
      const recovery = await addRecoveryCodes(t(), account.token);
      const codesTo = `codes.${account.email}`;
      const emailFactorId = await addEmailFactor(t(), account.token, codesTo);
      // A sign-in waiting for the code just mailed under key A, when the instances restart.
      const pending = await passwordStep(t(), account);
      const challenged = await t().request('POST', `/v1/login/${pending.loginId}/challenge`, {
        factorId: emailFactorId,
      });
      expect(challenged.status).toBe(200);
      const mailedCode = await lastCodeMailedTo(t(), codesTo);
      // Mail queued under key A, not delivered before the restart.
      const waiting = await t().signup();

      const next = await restarted(t(), keyA);
      try {
        t().clock.advance(5 * 60_000);
        const withMailedCode = await next.request('POST', `/v1/login/${pending.loginId}/verify`, {
          factorId: emailFactorId,
          code: mailedCode,
        });
        expect(withMailedCode.status).toBe(200);

        const recoveryId = await recoveryFactorId(t(), account);
        expect(await signIn(t(), next, account, recoveryId, recovery.codes[0]!)).toMatchObject({
          status: 200,
        });
        const totp = await nextTotpCode(t(), account.totpSecret);
        expect(await signIn(t(), next, account, account.totpFactorId, totp)).toMatchObject({ status: 200 });
        expect(await next.api.worker.drain()).toBeGreaterThanOrEqual(1);
        expect(t().smtp.to(waiting.email)).toHaveLength(1);

        // Once the command has re-encrypted the seeds and the mail, recovery codes still need key A:
        // the digests of codes cannot be re-keyed, so PREVIOUS_SECRET_KEY keeps them working.
        await rotateSecretKey({
          db: t().db,
          dialect: t().dialect,
          oldKey: keyA,
          currentKey: keyB,
          random: cryptoRandom,
        });
        expect(await signIn(t(), next, account, recoveryId, recovery.codes[1]!)).toMatchObject({
          status: 200,
        });
        // A used recovery code stays used, whichever key made its digest.
        expect(await signIn(t(), next, account, recoveryId, recovery.codes[0]!)).toMatchObject({
          status: 401,
          code: 'invalid_code',
        });
      } finally {
        await next.close();
      }
    });

    it('refuses the old key’s recovery codes without PREVIOUS_SECRET_KEY, and the old key’s TOTP seeds until re-encrypted', async () => {
      const account = await accountWithTotp(t());
      const recovery = await addRecoveryCodes(t(), account.token);
      const recoveryId = await recoveryFactorId(t(), account);

      const next = await restarted(t(), undefined);
      try {
        expect(await signIn(t(), next, account, recoveryId, recovery.codes[0]!)).toMatchObject({
          status: 401,
          code: 'invalid_code',
        });
        const early = await signIn(
          t(),
          next,
          account,
          account.totpFactorId,
          await nextTotpCode(t(), account.totpSecret),
        );
        expect(early).toMatchObject({ status: 503, code: 'service_unavailable' });

        await rotateSecretKey({
          db: t().db,
          dialect: t().dialect,
          oldKey: keyA,
          currentKey: keyB,
          random: cryptoRandom,
        });
        const after = await signIn(
          t(),
          next,
          account,
          account.totpFactorId,
          await nextTotpCode(t(), account.totpSecret),
        );
        expect(after).toMatchObject({ status: 200 });
        expect(await signIn(t(), next, account, recoveryId, recovery.codes[1]!)).toMatchObject({
          status: 401,
        });
      } finally {
        await next.close();
      }
    });
  },
  { env: { SECRET_KEY: keyA.toString('base64') } },
);

describe('npm run admin -- rotate-secret-key with PREVIOUS_SECRET_KEY', () => {
  it('takes the old key from PREVIOUS_SECRET_KEY, the setting the servers already have', async () => {
    const t = await startTestApi('sqlite', { env: { SECRET_KEY: keyA.toString('base64') } });
    try {
      await accountWithTotp(t);
      const { code, stdout } = await runAdminCli(t, ['rotate-secret-key'], {
        SECRET_KEY: keyB.toString('base64'),
        PREVIOUS_SECRET_KEY: keyA.toString('base64'),
      });
      expect(code, stdout).toBe(0);
      expect(stdout).toContain('mfa_factors.secret: 1 re-encrypted');
    } finally {
      await t.close();
    }
  }, 60_000);
});
