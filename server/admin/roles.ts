import type { FastifyReply, FastifyRequest } from 'fastify';
import { normaliseEmail } from '../../common/domain/email';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { sessionOf } from '../http/auth';
import { requirePrivileged } from '../sessions/privilege';
import { accountStore } from '../accounts/account-store';

export const roles = ['support'] as const;
export type Role = (typeof roles)[number];

export async function hasRole(
  ctx: Pick<ServerContext, 'db'>,
  accountId: string,
  role: Role,
): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('account_roles')
    .select('role')
    .where('account_id', '=', accountId)
    .where('role', '=', role)
    .executeTakeFirst();
  return row !== undefined;
}

/** A preHandler after requireSession: the session's account must hold the role, else 403 forbidden. */
export function requireRole(ctx: Pick<ServerContext, 'db'>, role: Role) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!(await hasRole(ctx, sessionOf(request).accountId, role))) throw new ApiError('forbidden');
  };
}

/** The session proved a factor within the privilege window (sign-in with a factor, or step-up). */
export function requireRecentFactor(ctx: Pick<ServerContext, 'clock'>) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    requirePrivileged(sessionOf(request), ctx.clock.now());
  };
}

/** Granting and revoking roles is an operator's act (the admin CLI), never an API call. */
export async function setRole(
  ctx: ServerContext,
  email: string,
  role: Role,
  granted: boolean,
  operator: string,
): Promise<'changed' | 'unchanged'> {
  return ctx.db.transaction().execute(async (trx) => {
    const account = await accountStore.byEmail(trx, normaliseEmail(email));
    if (!account) throw new ApiError('not_found', { message: `No account with the address ${email}.` });
    const has = await trx
      .selectFrom('account_roles')
      .select('role')
      .where('account_id', '=', account.id)
      .where('role', '=', role)
      .executeTakeFirst();
    if (Boolean(has) === granted) return 'unchanged';
    if (granted) {
      await trx
        .insertInto('account_roles')
        .values({ account_id: account.id, role, granted_at: ctx.clock.now() })
        .execute();
    } else {
      await trx
        .deleteFrom('account_roles')
        .where('account_id', '=', account.id)
        .where('role', '=', role)
        .execute();
    }
    await ctx.audit.record(trx, {
      accountId: account.id,
      actor: operator,
      action: granted ? 'role.granted' : 'role.revoked',
      detail: { role },
    });
    return 'changed';
  });
}
