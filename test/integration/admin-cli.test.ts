import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCliTimeoutMs, runAdminCli, type CliResult } from '../helpers/admin-cli';
import { startTestApi, type TestApi } from '../helpers/harness';
import { accountWithTotp, bearer } from '../helpers/mfa';
import { accountIdOf, requestReset } from '../helpers/trust';

// `npm run admin -- …` (docs/api.md "Commands"): the real CLI process against the SQLite database of an API,
// with no MAIL_URL, so its mail goes to DATA_DIR/outbox/mail.

const cliTimeoutMs = adminCliTimeoutMs;

let api: TestApi;

/** The CLI on the test API's data directory, run by a named operator. */
function admin(...args: string[]): Promise<CliResult> {
  return runAdminCli(api, args, { SUDO_USER: 'jane.operator' });
}

/** The mails the CLI wrote to DATA_DIR/outbox/mail, parsed. */
async function outboxMails(): Promise<{ to: string; subject: string; text: string }[]> {
  const dir = path.join(api.dataDir, 'outbox', 'mail');
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.eml'));
  } catch {
    return [];
  }
  return Promise.all(
    files.map(async (name) => {
      const mail = await simpleParser(readFileSync(path.join(dir, name)));
      const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
      return { to: to?.value[0]?.address ?? '', subject: mail.subject ?? '', text: mail.text ?? '' };
    }),
  );
}

const signupFields = {
  firstName: 'Jane',
  lastName: 'Doe',
  password: 'violet-harbour-lantern-42',
  acceptTerms: true,
};

async function requestStatus(requestId: string) {
  return api.db
    .selectFrom('mfa_reset_requests')
    .select(['status', 'decided_by', 'note'])
    .where('id', '=', requestId)
    .executeTakeFirstOrThrow();
}

describe('admin CLI on a SQLite data directory', () => {
  beforeAll(async () => {
    api = await startTestApi('sqlite');
    // The CLI runs on the real clock; the API that prepares the data uses the same time.
    api.clock.set(Date.now());
  });

  afterAll(async () => {
    await api.close();
  });

  it(
    'grants and revokes the support role as the operator',
    async () => {
      const agent = await accountWithTotp(api);
      const agentId = await accountIdOf(api, agent.email);
      const asAgent = () =>
        api.request('GET', '/v1/admin/mfa-reset-requests', undefined, bearer(agent.token));
      expect((await asAgent()).status).toBe(403);

      const granted = await admin('grant-role', agent.email, 'support');
      expect(granted).toMatchObject({ code: 0, stderr: '' });
      expect(granted.stdout).toContain(`${agent.email}: support role granted`);
      expect((await asAgent()).status).toBe(200);

      // An address with no account changes nothing and says so; it runs alongside the revocation.
      const [revoked, nobody] = await Promise.all([
        admin('revoke-role', agent.email, 'support'),
        admin('grant-role', 'nobody@example.net', 'support'),
      ]);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toContain(`${agent.email}: support role revoked`);
      expect((await asAgent()).status).toBe(403);
      expect(nobody.code).not.toBe(0);
      expect(nobody.stderr).toContain('No account with the address nobody@example.net');

      const audit = await api.db
        .selectFrom('audit_log')
        .select(['action', 'actor'])
        .where('account_id', '=', agentId)
        .where('action', 'in', ['role.granted', 'role.revoked'])
        .execute();
      expect(audit).toEqual(
        expect.arrayContaining([
          { action: 'role.granted', actor: 'operator:jane.operator' },
          { action: 'role.revoked', actor: 'operator:jane.operator' },
        ]),
      );
      expect(audit).toHaveLength(2);
    },
    cliTimeoutMs * 4,
  );

  it(
    'lists reset requests, approves one with a note and denies another, mailing each user to the outbox',
    async () => {
      const approvedOwner = await accountWithTotp(api);
      const deniedOwner = await accountWithTotp(api);
      const toApprove = await requestReset(api, approvedOwner, 'My phone fell into the canal.');
      const toDeny = await requestReset(api, deniedOwner, 'I would rather not use MFA at all.');
      // What the API itself queued is delivered by it; the outbox folder gets only the CLI's mail.
      await api.mailsTo(approvedOwner.email);

      const list = await admin('mfa-reset', 'list', '--status', 'pending');
      expect(list.code, list.stderr).toBe(0);
      for (const [id, owner, reason] of [
        [toApprove, approvedOwner, 'My phone fell into the canal.'],
        [toDeny, deniedOwner, 'I would rather not use MFA at all.'],
      ] as const) {
        expect(list.stdout).toMatch(new RegExp(`${id}\\s+pending`));
        expect(list.stdout).toContain(owner.email);
        expect(list.stdout).toContain(`reason: ${JSON.stringify(reason)}`);
      }

      const approved = await admin('mfa-reset', 'approve', toApprove, '--note', 'Identity checked by phone.');
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.stdout).toContain(`${approvedOwner.email}: approved`);
      expect(await requestStatus(toApprove)).toEqual({
        status: 'approved',
        decided_by: 'operator:jane.operator',
        note: 'Identity checked by phone.',
      });
      const audit = await api.db
        .selectFrom('audit_log')
        .select(['actor', 'detail'])
        .where('action', '=', 'mfa.reset_approved')
        .where('account_id', '=', await accountIdOf(api, approvedOwner.email))
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor).toMatch(/^operator:/);
      expect(JSON.parse(audit[0]!.detail)).toEqual({
        requestId: toApprove,
        note: 'Identity checked by phone.',
      });
      const login = await api.request('POST', '/v1/login', {
        email: approvedOwner.email,
        password: approvedOwner.password,
      });
      expect(login.body.state).toBe('mfa_enrollment_required');
      expect((await api.request('GET', '/v1/me', undefined, bearer(approvedOwner.token))).status).toBe(401);

      const denied = await admin('mfa-reset', 'deny', toDeny, '--note', 'MFA is required for every account.');
      expect(denied.code, denied.stderr).toBe(0);
      expect(await requestStatus(toDeny)).toMatchObject({
        status: 'denied',
        decided_by: 'operator:jane.operator',
      });
      expect((await api.request('GET', '/v1/me', undefined, bearer(deniedOwner.token))).status).toBe(200);

      const mails = await outboxMails();
      expect(mails.map((m) => `${m.to} ${m.subject}`).sort()).toEqual(
        [
          `${approvedOwner.email} Your WEM sign-in methods were reset`,
          `${deniedOwner.email} Your WEM reset request was not approved`,
        ].sort(),
      );
      expect(mails.find((m) => m.to === approvedOwner.email)!.text).toContain('Identity checked by phone.');
    },
    cliTimeoutMs * 4,
  );

  it(
    'refuses a decision without a note, and an unknown request id, with a clear message',
    async () => {
      const owner = await accountWithTotp(api);
      const requestId = await requestReset(api, owner);

      // Neither refusal writes anything, so both run at once.
      const [silent, unknown] = await Promise.all([
        admin('mfa-reset', 'approve', requestId),
        admin('mfa-reset', 'approve', 'no-such-request', '--note', 'Checked.'),
      ]);
      expect(silent.code, silent.stderr).toBe(64);
      expect(silent.stderr).toContain('needs --note');
      expect(silent.stderr).toContain('Usage: npm run admin');
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('No MFA reset request has the id no-such-request.');
      expect((await requestStatus(requestId)).status).toBe('pending');
    },
    cliTimeoutMs * 2,
  );

  it(
    'deletes an account for support with a note: audited as the operator, the owner mailed, the address free',
    async () => {
      const owner = await accountWithTotp(api);
      const ownerId = await accountIdOf(api, owner.email);
      await api.mailsTo(owner.email);

      const noNote = await admin('account', 'delete', owner.email);
      expect(noNote.code).toBe(64);
      expect(noNote.stderr).toContain('--note');
      const nobody = await admin('account', 'delete', 'nobody@example.net', '--note', 'Asked by phone.');
      expect(nobody.code).not.toBe(0);
      expect(nobody.stderr).toContain('No account with the address nobody@example.net');

      const deleted = await admin('account', 'delete', owner.email, '--note', 'Asked by phone on 6 Dec.');
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(deleted.stdout).toContain('account deleted');
      expect((await api.request('GET', '/v1/me', undefined, bearer(owner.token))).status).toBe(401);
      const rows = await api.db.selectFrom('accounts').select('id').where('id', '=', ownerId).execute();
      expect(rows).toEqual([]);
      const audit = await api.db
        .selectFrom('audit_log')
        .select(['actor', 'detail', 'ip'])
        .where('account_id', '=', ownerId)
        .where('action', '=', 'account.deleted')
        .execute();
      expect(audit).toEqual([{ actor: 'operator:jane.operator', detail: '{"by":"operator"}', ip: null }]);
      const goodbye = (await outboxMails()).filter((m) => m.to === owner.email);
      expect(goodbye.map((m) => m.subject)).toEqual(['Your WEM account was deleted by WEM Support']);
      expect(goodbye[0]!.text).toContain('Note from support: Asked by phone on 6 Dec.');
      expect(
        (await api.request('POST', '/v1/accounts', { ...signupFields, email: owner.email })).status,
      ).toBe(202);
    },
    cliTimeoutMs * 4,
  );
});
