import { expect, it } from 'vitest';
import { forEachDialect } from '../../test/helpers/harness';
import { accountWithTotp, bearer } from '../../test/helpers/mfa';
import { accountIdOf, subjectsTo } from '../../test/helpers/trust';
import { PasswordGuard } from '../login/password-guard';
import { AccountDeletion } from './account-deletion';

forEachDialect('account deletion in one transaction', (t) => {
  it('runs the onAccountDeleted hooks inside the deletion, and a failing hook leaves the account whole', async () => {
    const account = await accountWithTotp(t());
    const id = await accountIdOf(t(), account.email);
    const { context } = t().api;
    const guard = new PasswordGuard(context.db, context.clock);
    const session = {
      id: 'unused',
      accountId: id,
      scope: 'full' as const,
      expiresAt: 0,
      privilegedUntil: null,
      trustedDeviceId: null,
      createdAt: 0,
      amr: [],
      acr: null,
    };
    const failing = new AccountDeletion(context, guard, [
      async (trx, accountId) => {
        // The hook sees the account before it goes, in the same transaction.
        const row = await trx
          .selectFrom('accounts')
          .select('id')
          .where('id', '=', accountId)
          .executeTakeFirst();
        expect(row?.id).toBe(id);
        throw new Error('grant store unavailable');
      },
    ]);
    await expect(failing.deleteBySupport(account.email, 'Asked by phone.', 'test')).rejects.toThrow(
      'grant store unavailable',
    );
    expect((await t().request('GET', '/v1/me', undefined, bearer(account.token))).status).toBe(200);
    expect(await subjectsTo(t(), account.email)).not.toContain('Your WEM account was deleted by WEM Support');

    const seen: string[] = [];
    const working = new AccountDeletion(context, guard, [
      async (_trx, accountId) => {
        seen.push(accountId);
      },
    ]);
    // A user's own deletion needs a privileged session: this one is not.
    await expect(working.deleteOwn(session, account.password, null)).rejects.toMatchObject({
      code: 'step_up_required',
    });
    await working.deleteBySupport(account.email, 'Asked by phone.', 'test');
    expect(seen).toEqual([id]);
    expect((await t().request('GET', '/v1/me', undefined, bearer(account.token))).status).toBe(401);
  });
});
