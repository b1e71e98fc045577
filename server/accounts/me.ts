import type { Kysely } from 'kysely';
import { accountStore } from './account-store';
import { asLocale } from '../../common/contract/fields';
import type { MeResponse } from '../../common/contract/http';
import type { Database } from '../db/schema';
import { ApiError } from '../http/api-error';
import { toFactorView } from '../mfa/factor-management';
import { iso } from '../support/clock';
import type { Session } from '../sessions/sessions';

/**
 * GET /v1/me: the account and its factors in one statement (a LEFT JOIN: an account without factors
 * is one row of nulls on the factor side), so the hottest authenticated read is one round trip.
 */
export async function myDetails(db: Kysely<Database>, session: Session): Promise<MeResponse> {
  const rows = await accountStore.withFactors(db, session.accountId);
  const account = rows[0];
  if (!account) throw new ApiError('unauthenticated');
  const factors = rows.flatMap((row) =>
    row.factor_id === null || row.factor_type === null || row.factor_created_at === null
      ? []
      : [
          {
            ...toFactorView({
              id: row.factor_id,
              type: row.factor_type,
              label: row.factor_label ?? '',
              status: row.factor_status ?? 'pending',
            }),
            createdAt: iso(row.factor_created_at),
            lastUsedAt: row.factor_last_used_at === null ? null : iso(row.factor_last_used_at),
          },
        ],
  );
  return {
    id: account.id,
    email: account.email,
    firstName: account.first_name,
    lastName: account.last_name,
    company: account.company,
    locale: asLocale(account.locale),
    createdAt: iso(account.created_at),
    factors,
    minRecommendedFactors: 2,
    session: {
      scope: session.scope,
      expiresAt: iso(session.expiresAt),
      privilegedUntil: session.privilegedUntil === null ? null : iso(session.privilegedUntil),
    },
  };
}
