import type { Insertable } from 'kysely';
import { compiled, type Slots } from '../db/compiled';
import type { Db, MfaFactorTable } from '../db/schema';
import type { Factor } from './factor-strategy';
import { countingFactorType } from '../../common/contract/http';

/**
 * Every statement on mfa_factors (in the spirit of Kratos's persisters): services keep the rules,
 * this module keeps the SQL. The hot ones are compiled once per shape (server/db/compiled.ts).
 */

/**
 * The factors that keep an account enrolled (docs/api.md, rule 7: no MFA reset to blank): every type of the
 * contract but the fallbacks, so a new type counts without an edit here.
 */
export const countingFactorTypes = countingFactorType.options;

export function countsAsFactor(type: string): boolean {
  return (countingFactorTypes as readonly string[]).includes(type);
}

const byId = compiled((db, s: Slots<{ id: string }>) =>
  db.selectFrom('mfa_factors').selectAll().where('id', '=', s.id),
);
const stamp = compiled((db, s: Slots<{ id: string; now: number }>) =>
  db.updateTable('mfa_factors').set({ last_used_at: s.now }).where('id', '=', s.id),
);
/** A step is recorded only if it is newer than the last one accepted: replay-proof, also in parallel. */
const step = compiled((db, s: Slots<{ id: string; step: number }>) =>
  db
    .updateTable('mfa_factors')
    .set({ last_totp_step: s.step })
    .where('id', '=', s.id)
    .where((eb) => eb.or([eb('last_totp_step', 'is', null), eb('last_totp_step', '<', s.step)])),
);
const anyActive = compiled((db, s: Slots<{ accountId: string }>) =>
  db
    .selectFrom('mfa_factors')
    .select('id')
    .where('account_id', '=', s.accountId)
    .where('status', '=', 'active')
    .where('type', 'in', countingFactorTypes)
    .limit(1),
);
/** Active factors to choose from at login; recovery codes only while some are left. */
const forLogin = compiled((db, s: Slots<{ accountId: string }>) =>
  db
    .selectFrom('mfa_factors')
    .select(['id', 'type', 'label', 'created_at'])
    .where('account_id', '=', s.accountId)
    .where('status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('type', '!=', 'recovery_codes'),
        eb.exists(
          eb
            .selectFrom('recovery_codes')
            .select('recovery_codes.id')
            .whereRef('recovery_codes.factor_id', '=', 'mfa_factors.id')
            .where('recovery_codes.used_at', 'is', null),
        ),
      ]),
    )
    .orderBy('created_at'),
);

export const factorStore = {
  byId: (db: Db, id: string): Promise<Factor | undefined> => byId.first(db, { id }),

  async ofAccount(db: Db, accountId: string, id: string): Promise<Factor | undefined> {
    const factor = await byId.first(db, { id });
    return factor?.account_id === accountId ? factor : undefined;
  },

  recoveryCodesOf: (db: Db, accountId: string): Promise<Factor | undefined> =>
    db
      .selectFrom('mfa_factors')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('type', '=', 'recovery_codes')
      .executeTakeFirst(),

  /** Whether the account has an active factor that counts: from then on, enrolling is over. */
  async hasActive(db: Db, accountId: string): Promise<boolean> {
    return (await anyActive.first(db, { accountId })) !== undefined;
  },

  /** Active email/SMS/TOTP factors of the account other than `exceptId` (rule 7). */
  async otherActiveCount(db: Db, accountId: string, exceptId: string): Promise<number> {
    const row = await db
      .selectFrom('mfa_factors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('status', '=', 'active')
      .where('type', 'in', countingFactorTypes)
      .where('id', '!=', exceptId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  forLogin: (db: Db, accountId: string) => forLogin.rows(db, { accountId }),

  /** Where the account's email and SMS factors send codes. */
  async targetsOf(db: Db, accountId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('mfa_factors')
      .select('target')
      .where('account_id', '=', accountId)
      .where('target', 'is not', null)
      .execute();
    return rows.flatMap((row) => (row.target === null ? [] : [row.target]));
  },

  async insert(db: Db, factors: Insertable<MfaFactorTable> | Insertable<MfaFactorTable>[]): Promise<void> {
    await db.insertInto('mfa_factors').values(factors).execute();
  },

  /** A factor as a completed enrollment leaves it (seeding: the bench, tests). */
  activeRow(
    accountId: string,
    now: number,
    values: Pick<Factor, 'id' | 'type' | 'label'> & Partial<Factor>,
  ): Factor {
    return {
      account_id: accountId,
      status: 'active',
      created_at: now,
      activated_at: now,
      last_used_at: null,
      last_totp_step: null,
      failures: 0,
      target: null,
      secret: null,
      ...values,
    };
  },

  /** An abandoned set-up of the same kind is replaced, not piled up. */
  async removePending(db: Db, accountId: string, type: string): Promise<void> {
    await db
      .deleteFrom('mfa_factors')
      .where('account_id', '=', accountId)
      .where('type', '=', type)
      .where('status', '=', 'pending')
      .execute();
  },

  async activate(db: Db, id: string, now: number): Promise<void> {
    await db
      .updateTable('mfa_factors')
      .set({ status: 'active', activated_at: now, last_used_at: now })
      .where('id', '=', id)
      .execute();
  },

  async remove(db: Db, id: string): Promise<void> {
    await db.deleteFrom('mfa_factors').where('id', '=', id).execute();
  },

  /** An approved MFA reset: every factor of the account goes (recovery codes with them). */
  async removeAll(db: Db, accountId: string): Promise<void> {
    await db.deleteFrom('mfa_factors').where('account_id', '=', accountId).execute();
  },

  async stampUsed(db: Db, id: string, now: number): Promise<void> {
    await stamp.run(db, { id, now });
  },

  /** True when `step` was newer than the last accepted one and is now recorded. */
  async recordTotpStep(db: Db, id: string, totpStep: number): Promise<boolean> {
    return (await step.run(db, { id, step: totpStep })).numAffectedRows === 1n;
  },

  /** Whether the row still exists, locked until the transaction ends on PostgreSQL. */
  async lockIfPresent(db: Db, id: string, postgres: boolean): Promise<boolean> {
    let query = db.selectFrom('mfa_factors').select('id').where('id', '=', id);
    if (postgres) query = query.forUpdate();
    return (await query.executeTakeFirst()) !== undefined;
  },

  /** Sealed TOTP seeds after `afterId` in id order (locked on PostgreSQL): the key rotation's batches. */
  async sealedBatch(db: Db, afterId: string, limit: number, lock: boolean) {
    const query = db
      .selectFrom('mfa_factors')
      .select(['id', 'secret'])
      .where('secret', 'is not', null)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    const rows = await (lock ? query.forUpdate() : query).execute();
    return rows.map((row) => ({ id: row.id, sealed: row.secret ?? '' }));
  },

  /** Replaces a sealed seed only if it is still `from`. */
  async replaceSealed(db: Db, id: string, from: string, to: string): Promise<boolean> {
    const result = await db
      .updateTable('mfa_factors')
      .set({ secret: to })
      .where('id', '=', id)
      .where('secret', '=', from)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  },
};
