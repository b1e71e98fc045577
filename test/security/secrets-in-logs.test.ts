import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from '../../server/http/logging';
import { dialects, startTestApi, uniqueEmail } from '../helpers/harness';
import { snapshotTables } from '../helpers/http-robustness';
import { completeReset, linkTokenTo, proveTotp, resetIdFor, resetToken } from '../helpers/lifecycle';
import { accountWithTotp } from '../helpers/mfa';
import { activationTokenIn } from '../helpers/smtp-peer';
import { loginWithTotp } from '../helpers/trust';

/**
 * STYLE.md 8: logs never contain a password, token, code or secret, at any level. A whole account flow
 * runs with the logger at 'trace' writing into memory; then the log text, the outbox and the audit log
 * are searched for every secret that went over the wire.
 */

/** An account API whose pino logger writes everything, from 'trace' up, into `logText()`. */
async function startLoggedApi(dialect: (typeof dialects)[number]) {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const api = await startTestApi(dialect, {
    env: { LOG_LEVEL: 'trace' },
    logger: pino(loggerOptions('trace'), sink),
  });
  return Object.assign(api, { logText: () => chunks.join('') });
}

for (const dialect of dialects) {
  describe(`secrets in logs [${dialect}]`, () => {
    it('logs a full account flow at trace level without any password, token, secret or Authorization value', async () => {
      const api = await startLoggedApi(dialect);
      try {
        const email = uniqueEmail('logs');
        const password = 'violet-harbour-lantern-42';
        const wrongPassword = 'wrong-harbour-lantern-43';
        const deviceToken = `${'D'.repeat(16)}.${'E'.repeat(43)}`;

        expect(
          (
            await api.request('POST', '/v1/accounts', {
              firstName: 'Jane',
              lastName: 'Doe',
              email,
              password,
              acceptTerms: true,
            })
          ).status,
        ).toBe(202);
        // The first delivery fails (and is logged as failing), the retry goes out.
        api.smtp.refuse();
        expect(await api.mailsTo(email)).toHaveLength(0);
        const queued = JSON.stringify(await snapshotTables(api.db, dialect));
        api.smtp.accept();
        api.clock.advance(60_000);
        const [first] = await api.mailsTo(email);
        if (!first) throw new Error('no activation mail');
        const firstToken = activationTokenIn(first);

        expect((await api.request('POST', '/v1/activation/resend', { email })).status).toBe(202);
        const second = (await api.mailsTo(email))[1];
        if (!second) throw new Error('no second activation mail');
        const token = activationTokenIn(second);
        expect(token).not.toBe(firstToken);

        // The superseded link is refused; the page behind the new one changes nothing; the form activates.
        expect((await api.request('POST', '/v1/activation', { token: firstToken })).status).toBe(400);
        expect((await api.request('GET', `/activate?token=${encodeURIComponent(token)}`)).status).toBe(200);
        const form = { 'content-type': 'application/x-www-form-urlencoded' };
        expect(
          (await api.request('POST', '/activate', `token=${encodeURIComponent(token)}`, form)).status,
        ).toBe(200);
        expect((await api.request('POST', '/v1/activation', { token })).status).toBe(409);

        expect((await api.request('POST', '/v1/login', { email, password: wrongPassword })).status).toBe(401);
        // A broken body that carries the password is refused without echoing it.
        expect(
          (
            await api.request('POST', '/v1/login', `{"email":"${email}","password":"${password}"`, {
              'content-type': 'application/json',
            })
          ).status,
        ).toBe(400);
        const login = await api.request('POST', '/v1/login', { email, password });
        expect(login.status).toBe(200);
        const sessionToken: string = login.body.session.token;
        const authorization = `Bearer ${sessionToken}`;

        expect((await api.request('GET', '/v1/me', undefined, { authorization })).status).toBe(200);
        expect((await api.request('POST', '/v1/logout', { deviceToken }, { authorization })).status).toBe(
          204,
        );
        expect((await api.request('GET', '/v1/me', undefined, { authorization })).status).toBe(401);

        const secrets: Record<string, string> = {
          password,
          'wrong password': wrongPassword,
          'first activation token': firstToken,
          'first activation secret': firstToken.split('.')[1] ?? firstToken,
          'activation token': token,
          'activation secret': token.split('.')[1] ?? token,
          'session token': sessionToken,
          'session secret': sessionToken.split('.')[1] ?? sessionToken,
          'Authorization header': authorization,
          'device token': deviceToken,
        };
        for (const secret of Object.values(secrets)) expect(secret.length).toBeGreaterThanOrEqual(20);

        const log = api.logText();
        // The log did record the flow (requests, a failed delivery) and redacted the link it saw.
        expect(log).toContain('incoming request');
        expect(log).toContain('/activate?token=[redacted]');
        expect(log).toContain('delivery failed');
        for (const [name, secret] of Object.entries(secrets)) {
          expect(log.includes(secret), `the log contains the ${name}`).toBe(false);
        }

        const outbox = JSON.stringify(await api.db.selectFrom('outbox').selectAll().execute());
        const audit = JSON.stringify(await api.db.selectFrom('audit_log').selectAll().execute());
        expect(JSON.parse(audit).length).toBeGreaterThanOrEqual(5);
        const everything = JSON.stringify(await snapshotTables(api.db, dialect));
        for (const [name, secret] of Object.entries(secrets)) {
          expect(outbox.includes(secret), `the outbox contains the ${name}`).toBe(false);
          expect(audit.includes(secret), `the audit log contains the ${name}`).toBe(false);
          // Only hashes are stored: no table holds a password, token or secret as sent.
          expect(everything.includes(secret), `the database contains the ${name}`).toBe(false);
          expect(queued.includes(secret), `the queued (sealed) mail contains the ${name}`).toBe(false);
        }
      } finally {
        await api.close();
      }
    });
  });

  describe(`secrets in logs, account lifecycle [${dialect}]`, () => {
    it('logs reset, password change, address change and deletion without a password, link or resetId', async () => {
      const api = await startLoggedApi(dialect);
      try {
        const account = await accountWithTotp(api);
        const resetLink = await resetToken(api, account.email);
        const page = await api.request('GET', `/reset-password?token=${encodeURIComponent(resetLink)}`);
        expect(page.status).toBe(200);
        const resetId = await resetIdFor(api, resetLink);
        expect((await proveTotp(api, resetId, account)).status).toBe(200);
        const resetPassword = 'copper-lagoon-whistle-88';
        expect((await completeReset(api, resetId, resetPassword)).status).toBe(204);

        const signedIn = await loginWithTotp(api, { ...account, password: resetPassword });
        const authorization = { authorization: `Bearer ${signedIn.token}` };
        const changedPassword = 'amber-thistle-orchard-19';
        const changed = await api.request(
          'POST',
          '/v1/me/password',
          { currentPassword: resetPassword, newPassword: changedPassword },
          authorization,
        );
        expect(changed.status).toBe(204);
        const newEmail = uniqueEmail('logs-moved');
        await api.request('POST', '/v1/me/email', { newEmail, password: changedPassword }, authorization);
        const confirmToken = await linkTokenTo(api, newEmail, 'confirm-email');
        expect((await api.request('POST', '/v1/me/email/confirm', { token: confirmToken })).status).toBe(200);
        // Only hashes are stored: looked at before the deletion removes the rows.
        const everything = JSON.stringify(await snapshotTables(api.db, dialect));
        expect(
          (await api.request('DELETE', '/v1/me', { password: changedPassword }, authorization)).status,
        ).toBe(204);

        const secrets: Record<string, string> = {
          'reset link': resetLink,
          'reset secret': resetLink.split('.')[1] ?? resetLink,
          resetId,
          'password set by the reset': resetPassword,
          'changed password': changedPassword,
          'confirmation link': confirmToken,
          'session token': signedIn.token,
        };
        const log = api.logText();
        expect(log).toContain('/reset-password?token=[redacted]');
        expect(log).toContain('/v1/password-reset/[redacted]/complete');
        for (const [name, secret] of Object.entries(secrets)) {
          expect(log.includes(secret), `the log contains the ${name}`).toBe(false);
          if (name !== 'resetId')
            expect(everything.includes(secret), `the database contains the ${name}`).toBe(false);
        }
      } finally {
        await api.close();
      }
    });
  });
}
