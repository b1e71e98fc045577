import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSecretKey } from '../../server/admin/rotate-secret-key';
import { cryptoRandom } from '../../server/support/random';
import { runAdminCli, type CliResult } from '../helpers/admin-cli';
import { forEachDialect, startTestApi, type TestApi } from '../helpers/harness';
import { snapshotTables } from '../helpers/http-robustness';
import { secondInstance } from '../helpers/login';
import { accountWithTotp, totpCode } from '../helpers/mfa';
import { activationTokenIn } from '../helpers/smtp-peer';

// Rotating SECRET_KEY (docs/operations.md): the API restarted with key B, then
// `npm run admin -- rotate-secret-key` re-encrypts what key A sealed, so nothing a user set up is lost.

const keyA = randomBytes(32);
const keyB = randomBytes(32);

/** Where values sealed with key A stand for each column. */
function rotate(t: TestApi) {
  return rotateSecretKey({
    db: t.db,
    dialect: t.dialect,
    oldKey: keyA,
    currentKey: keyB,
    random: cryptoRandom,
  });
}

forEachDialect(
  'rotating the server key',
  (t) => {
    it('keeps TOTP factors working and queued mail deliverable under the new key, and a second run changes nothing', async () => {
      const totpUser = await accountWithTotp(t());
      // Only the signup below waits in the outbox (the enrollment's notice goes out now).
      await t().api.worker.drain();
      const waiting = await t().signup();

      const counts = await rotate(t());
      expect(counts).toEqual([
        { column: 'mfa_factors.secret', reEncrypted: 1, alreadyCurrent: 0, otherKey: 0, unreadable: 0 },
        { column: 'outbox.payload', reEncrypted: 1, alreadyCurrent: 0, otherKey: 0, unreadable: 0 },
        // The login portal's first signing keys (ES256, RS256), made at the API's first start.
        { column: 'oidc_keys.jwk_sealed', reEncrypted: 2, alreadyCurrent: 0, otherKey: 0, unreadable: 0 },
        {
          column: 'oidc_clients.secret_sealed',
          reEncrypted: 0,
          alreadyCurrent: 0,
          otherKey: 0,
          unreadable: 0,
        },
      ]);

      const before = await snapshotTables(t().db, t().dialect);
      const again = await rotate(t());
      expect(again.map((c) => [c.column, c.reEncrypted, c.alreadyCurrent])).toEqual([
        ['mfa_factors.secret', 0, 1],
        ['outbox.payload', 0, 1],
        ['oidc_keys.jwk_sealed', 0, 2],
        ['oidc_clients.secret_sealed', 0, 0],
      ]);
      expect(await snapshotTables(t().db, t().dialect)).toEqual(before);

      // The API as restarted with SECRET_KEY = key B.
      const restarted = await secondInstance({
        ...t(),
        config: { ...t().config, secretKey: keyB.toString('base64') },
      });
      try {
        expect(await restarted.api.worker.drain()).toBe(1);
        const [mail] = t().smtp.to(waiting.email);
        expect(mail).toBeDefined();
        const activated = await restarted.request('POST', '/v1/activation', {
          token: activationTokenIn(mail!),
        });
        expect(activated.status).toBe(200);

        const login = await restarted.request('POST', '/v1/login', {
          email: totpUser.email,
          password: totpUser.password,
        });
        expect(login.body.state).toBe('mfa_required');
        const verified = await restarted.request('POST', `/v1/login/${login.body.loginId}/verify`, {
          factorId: totpUser.totpFactorId,
          code: await totpCode(totpUser.totpSecret, t()),
        });
        expect(verified.status).toBe(200);
        expect(verified.body.state).toBe('authenticated');
      } finally {
        await restarted.close();
      }
    });

    it('leaves values sealed with a key it was not given, and counts them', async () => {
      await t().signup();
      const counts = await rotateSecretKey({
        db: t().db,
        dialect: t().dialect,
        oldKey: randomBytes(32),
        currentKey: keyB,
        random: cryptoRandom,
      });
      expect(counts.find((c) => c.column === 'outbox.payload')).toMatchObject({
        reEncrypted: 0,
        otherKey: 1,
      });
    });
  },
  { env: { SECRET_KEY: keyA.toString('base64') } },
);

describe('npm run admin -- rotate-secret-key', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi('sqlite', { env: { SECRET_KEY: keyA.toString('base64') } });
  });
  afterAll(async () => {
    await t.close();
  });

  function admin(args: string[], env: Record<string, string>): Promise<CliResult> {
    return runAdminCli(t, args, { SECRET_KEY: keyB.toString('base64'), ...env });
  }

  it('reads the old key from a file, reports what it re-encrypted, and finds nothing left the second time', async () => {
    await accountWithTotp(t);
    // Only the signup below waits in the outbox (the enrollment's notice goes out now).
    await t.api.worker.drain();
    await t.signup();
    const oldKeyFile = path.join(t.dataDir, 'old.key');
    writeFileSync(oldKeyFile, `${keyA.toString('base64')}\n`, { mode: 0o600 });

    const first = await admin(['rotate-secret-key', '--from-file', oldKeyFile], {});
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('mfa_factors.secret: 1 re-encrypted');
    expect(first.stdout).toContain('outbox.payload: 1 re-encrypted');

    const second = await admin(['rotate-secret-key'], { OLD_SECRET_KEY: keyA.toString('base64') });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('mfa_factors.secret: 0 re-encrypted, 1 already on the current key');
    expect(second.stdout).toContain('outbox.payload: 0 re-encrypted, 1 already on the current key');
  }, 120_000);

  it('refuses to run without the old key, or with a file that holds no key', async () => {
    const missing = await admin(['rotate-secret-key'], {});
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('needs the old key');
    const notAKey = path.join(t.dataDir, 'not-a-key.txt');
    writeFileSync(notAKey, 'hello\n');
    const refused = await admin(['rotate-secret-key', '--from-file', notAKey], {});
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('is not a server key');
  }, 120_000);
});
