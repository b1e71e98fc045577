import { expect, it } from 'vitest';
import { latestActivationToken } from '../helpers/accounts';
import { forEachDialect, type TestApi } from '../helpers/harness';
import { askReset, linkTokenTo, meStatus, startReset } from '../helpers/lifecycle';
import { login } from '../helpers/login';
import { accountWithTotp, bearer } from '../helpers/mfa';
import { addRecoveryCodes } from '../helpers/mfa-factors';
import { accountIdOf, loginWithDevice, loginWithTotp, stepUpWithTotp, subjectsTo } from '../helpers/trust';

// docs/security.md 70-71: deleting an account (docs/api.md "Account lifecycle").

const minute = 60_000;

function deleteAccount(t: TestApi, token: string, password: string) {
  return t.request('DELETE', '/v1/me', { password }, bearer(token));
}

/** Rows left of an account in every table that refers to it. */
async function rowsOf(t: TestApi, accountId: string): Promise<Record<string, number>> {
  const tables = [
    'accounts',
    'account_roles',
    'activation_links',
    'sessions',
    'mfa_factors',
    'mfa_flows',
    'trusted_devices',
    'mfa_reset_requests',
    'password_resets',
    'email_changes',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const column = table === 'accounts' ? 'id' : 'account_id';
    const rows = await t.db.selectFrom(table).select(column).where(column, '=', accountId).execute();
    counts[table] = rows.length;
  }
  return counts;
}

forEachDialect('70. deleting an account', (t) => {
  it('removes the account and everything of it in one go; its sessions, devices and links are dead', async () => {
    const account = await accountWithTotp(t());
    const id = await accountIdOf(t(), account.email);
    await addRecoveryCodes(t(), account.token);
    const other = await loginWithTotp(t(), account, { deviceName: 'Laptop' });
    await askReset(t(), account.email);
    const resetLink = await linkTokenTo(t(), account.email, 'reset-password');

    const deleted = await deleteAccount(t(), account.token, account.password);
    expect(deleted.status).toBe(204);

    expect(await rowsOf(t(), id)).toEqual({
      accounts: 0,
      account_roles: 0,
      activation_links: 0,
      sessions: 0,
      mfa_factors: 0,
      mfa_flows: 0,
      trusted_devices: 0,
      mfa_reset_requests: 0,
      password_resets: 0,
      email_changes: 0,
    });
    expect(await t().db.selectFrom('recovery_codes').select('id').execute()).toEqual([]);
    expect(await meStatus(t(), account.token)).toBe(401);
    expect(await meStatus(t(), other.token)).toBe(401);
    expect((await loginWithDevice(t(), account, other.device!.token)).status).toBe(401);
    expect((await login(t(), account.email, account.password)).status).toBe(401);
    expect((await startReset(t(), resetLink)).body.error.code).toBe('reset_invalid');
    expect(await subjectsTo(t(), account.email)).toContain('Your WEM account was deleted');
  });

  it('keeps an audit line without personal data and forgets where the account acted from', async () => {
    const account = await accountWithTotp(t());
    const id = await accountIdOf(t(), account.email);
    await t().request(
      'DELETE',
      '/v1/me',
      { password: account.password },
      bearer(account.token),
      '192.0.2.44',
    );
    const lines = await t().db.selectFrom('audit_log').selectAll().where('account_id', '=', id).execute();
    const deleted = lines.filter((line) => line.action === 'account.deleted');
    expect(deleted).toHaveLength(1);
    expect(JSON.parse(deleted[0]!.detail)).toEqual({ by: 'user' });
    for (const line of lines) {
      expect(line.ip, line.action).toBeNull();
      expect(line.detail, line.action).not.toContain(account.email);
      expect(line.detail, line.action).not.toContain('Jane');
    }
  });

  it('drops mail to the account that was not delivered yet, and sends the goodbye', async () => {
    const account = await accountWithTotp(t());
    await t().mailsTo(account.email);
    // Queued, not delivered: the worker delivers when drained.
    await askReset(t(), account.email);
    expect((await deleteAccount(t(), account.token, account.password)).status).toBe(204);
    const subjects = await subjectsTo(t(), account.email);
    expect(subjects).not.toContain('Reset your WEM password');
    expect(subjects.at(-1)).toBe('Your WEM account was deleted');
  });

  it('frees the address: signing up again makes a new account', async () => {
    const account = await accountWithTotp(t());
    const before = await accountIdOf(t(), account.email);
    await deleteAccount(t(), account.token, account.password);
    // The goodbye leaves first, so that the newest mail is the new activation link.
    expect(await subjectsTo(t(), account.email)).toContain('Your WEM account was deleted');
    const again = await t().signup({ email: account.email, password: 'brand-new-start-phrase-5' });
    const activated = await t().request('POST', '/v1/activation', {
      token: await latestActivationToken(t(), again.email),
    });
    expect(activated.status).toBe(200);
    expect(await accountIdOf(t(), again.email)).not.toBe(before);
    expect((await login(t(), again.email, 'brand-new-start-phrase-5')).body.state).toBe(
      'mfa_enrollment_required',
    );
    expect((await login(t(), again.email, account.password)).status).toBe(401);
  });

  it('deletes once when two deletions race, with one goodbye', async () => {
    const account = await accountWithTotp(t());
    const answers = await Promise.all([
      deleteAccount(t(), account.token, account.password),
      deleteAccount(t(), account.token, account.password),
    ]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses[0]).toBe(204);
    // The loser finds its session or its account gone.
    expect(statuses[1]).toBe(401);
    const goodbyes = (await subjectsTo(t(), account.email)).filter(
      (s) => s === 'Your WEM account was deleted',
    );
    expect(goodbyes).toHaveLength(1);
  });

  it('needs a privileged session and the current password', async () => {
    const account = await accountWithTotp(t());
    const wrong = await deleteAccount(t(), account.token, 'not-the-password-1');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    t().clock.advance(11 * minute);
    const stale = await deleteAccount(t(), account.token, account.password);
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('step_up_required');
    await stepUpWithTotp(t(), account, account.token);
    expect(await meStatus(t(), account.token)).toBe(200);
    expect((await deleteAccount(t(), account.token, account.password)).status).toBe(204);
  });

  it('says goodbye in Dutch to a Dutch account', async () => {
    const account = await accountWithTotp(t());
    await t().request('PATCH', '/v1/me', { locale: 'nl' }, bearer(account.token));
    await deleteAccount(t(), account.token, account.password);
    // Mails queued together arrive in any order: find the goodbye by its Dutch subject.
    const goodbye = (await t().mailsTo(account.email)).find(
      (m) => m.subject === 'Je WEM-account is verwijderd',
    );
    expect(goodbye).toBeDefined();
    expect(goodbye!.text).toContain('Hallo Jane,');
  });
});
