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
}
