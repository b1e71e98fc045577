import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';
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
  | 'role.revoked';

export interface AuditEntry {
  accountId: string | null;
  /** "user" (the account itself), "system", or "support:<account id>" / "operator:<name>". */
  actor: string;
  action: AuditAction;
  /** Facts only, never a secret: no password, token, code or link. */
  detail?: Record<string, string | number | boolean | null>;
  ip?: string | null;
}

/** The append-only record of what happened to an account, written in the transaction that did it. */
export class AuditLog {
  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async record(db: Transaction<Database> | Kysely<Database>, entry: AuditEntry): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        id: newId(this.random),
        at: this.clock.now(),
        account_id: entry.accountId,
        actor: entry.actor,
        action: entry.action,
        detail: JSON.stringify(entry.detail ?? {}),
        ip: entry.ip ?? null,
      })
      .execute();
  }
}
