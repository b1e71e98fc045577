import type { Insertable } from 'kysely';
import type { AuditLogTable, Db } from '../db/schema';
import { compiled, type Slots } from '../db/compiled';
import type { Clock } from '../support/clock';
import { newId, type Random } from '../support/random';

export type AuditAction =
  | 'account.created'
  | 'account.signup_repeated'
  | 'account.signup_contested'
  | 'account.expired'
  | 'account.activated'
  | 'account.activation_resent'
  | 'account.password_reset_requested'
  | 'account.password_reset_factor_verified'
  | 'account.password_reset'
  | 'account.password_changed'
  | 'account.profile_changed'
  | 'account.email_change_requested'
  | 'account.email_changed'
  | 'account.deleted'
  | 'login.password_failed'
  | 'login.password_refused_locked'
  | 'login.succeeded'
  | 'session.revoked'
  | 'mfa.factor_started'
  | 'mfa.factor_added'
  | 'mfa.factor_removed'
  | 'mfa.recovery_codes_created'
  | 'mfa.step_up'
  | 'mfa.device_trusted'
  | 'mfa.device_revoked'
  | 'mfa.reset_requested'
  | 'mfa.reset_approved'
  | 'mfa.reset_denied'
  | 'role.granted'
  | 'role.revoked'
  | 'portal.handoff_issued';

export interface AuditEntry {
  accountId: string | null;
  /** "user" (the account itself), "system", or "support:<account id>" / "operator:<name>". */
  actor: string;
  action: AuditAction;
  /** Facts only, never a secret: no password, token, code or link. */
  detail?: Record<string, string | number | boolean | null>;
  ip?: string | null;
}

const insertEntry = compiled((db, s: Slots<Insertable<AuditLogTable>>) =>
  db.insertInto('audit_log').values({
    id: s.id,
    at: s.at,
    account_id: s.account_id,
    actor: s.actor,
    action: s.action,
    detail: s.detail,
    ip: s.ip,
  }),
);

/** A sign-in of the account from this address, with a factor or a trusted computer, since then. */
const signedInFrom = compiled((db, s: Slots<{ accountId: string; ip: string; since: number }>) =>
  db
    .selectFrom('audit_log')
    .select('id')
    .where('account_id', '=', s.accountId)
    .where('at', '>', s.since)
    .where('action', '=', 'login.succeeded')
    .where('ip', '=', s.ip)
    // A password alone (enrolling) proves nothing about who sits at that address.
    .where('detail', 'not like', '%"scope":"enrollment"%')
    .limit(1),
);

/** The append-only record of what happened to an account, written in the transaction that did it. */
export class AuditLog {
  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async record(db: Db, entry: AuditEntry): Promise<void> {
    await insertEntry.run(db, {
      id: newId(this.random),
      at: this.clock.now(),
      account_id: entry.accountId,
      actor: entry.actor,
      action: entry.action,
      detail: JSON.stringify(entry.detail ?? {}),
      ip: entry.ip ?? null,
    });
  }

  /** Whether the account signed in from `ip` (factor or trusted computer) after `since`. */
  async signedInFrom(db: Db, where: { accountId: string; ip: string; since: number }): Promise<boolean> {
    return (await signedInFrom.first(db, where)) !== undefined;
  }

  /** The newest entries, of one account or of all. */
  async list(db: Db, query: { accountId?: string | undefined; limit: number }) {
    let select = db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').limit(query.limit);
    if (query.accountId) select = select.where('account_id', '=', query.accountId);
    return select.execute();
  }

  /**
   * A deleted account's earlier lines keep what happened but no longer where from: the client
   * addresses are personal data of someone who asked to be forgotten.
   */
  async anonymise(db: Db, accountId: string): Promise<void> {
    await db.updateTable('audit_log').set({ ip: null }).where('account_id', '=', accountId).execute();
  }
}
