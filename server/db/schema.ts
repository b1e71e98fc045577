import type { Generated, Kysely, Transaction } from 'kysely';

/**
 * Row types of every table. Times are integers (milliseconds since the epoch, UTC) in both dialects, so
 * comparisons are plain arithmetic and no driver reinterprets time zones. "Flags" are nullable times
 * (activated_at, used_at, revoked_at): they say when, not only whether.
 */

export interface AccountTable {
  id: string;
  email: string;
  email_normalized: string;
  first_name: string;
  last_name: string;
  company: string | null;
  locale: string;
  password_hash: string;
  created_at: number;
  activated_at: number | null;
  updated_at: number;
  /** Set when a second signup arrived while the account was pending: its password is chosen at activation. */
  contested_at: number | null;
}

export interface AccountRoleTable {
  account_id: string;
  role: string;
  granted_at: number;
}

export interface ActivationLinkTable {
  id: string;
  account_id: string;
  secret_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  superseded_at: number | null;
  /** JSON of the signup that asked for this link (password hash, profile); null for links made before 0003. */
  signup: string | null;
}

export interface SessionTable {
  id: string;
  account_id: string;
  secret_hash: string;
  scope: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  privileged_until: number | null;
  revoked_at: number | null;
  trusted_device_id: string | null;
  /** RFC 8176 method names, space-separated (docs/oidc.md); null on sessions from before the portal. */
  amr: string | null;
  /** urn:wem:acr:mfa or urn:wem:acr:trusted-device; null on enrollment and older sessions. */
  acr: string | null;
}

export interface PasswordGuardTable {
  key: string;
  attempts: number;
  next_allowed_at: number;
  hour_start: number;
  hour_count: number;
}

export interface RateLimitTable {
  key: string;
  window_start: number;
  count: number;
}

export interface OutboxTable {
  id: string;
  channel: string;
  template: string;
  /** Encrypted with the server key: mails carry links and codes. Cleared once delivered. */
  payload: string | null;
  created_at: number;
  attempts: Generated<number>;
  next_attempt_at: number;
  claimed_until: number | null;
  sent_at: number | null;
  failed_at: number | null;
  last_error: string | null;
}

export interface AuditLogTable {
  id: string;
  at: number;
  account_id: string | null;
  actor: string;
  action: string;
  detail: string;
  ip: string | null;
}

export interface MfaFactorTable {
  id: string;
  account_id: string;
  type: string;
  label: string;
  target: string | null;
  secret: string | null;
  status: string;
  created_at: number;
  activated_at: number | null;
  last_used_at: number | null;
  last_totp_step: number | null;
  failures: Generated<number>;
}

export interface RecoveryCodeTable {
  id: string;
  factor_id: string;
  code_hash: string;
  used_at: number | null;
}

export interface MfaFlowTable {
  id: string;
  kind: 'login' | 'step_up' | 'enroll' | 'reset';
  account_id: string;
  session_id: string | null;
  factor_id: string | null;
  created_at: number;
  expires_at: number;
  failures: Generated<number>;
  completed_at: number | null;
  burned_at: number | null;
  /** The reset link a "reset" flow proves a factor for; null for every other kind. */
  password_reset_id: string | null;
}

export interface MfaCodeTable {
  id: string;
  flow_id: string;
  factor_id: string;
  code_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  superseded_at: number | null;
}

export interface TrustedDeviceTable {
  id: string;
  account_id: string;
  secret_hash: string;
  name: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface MfaResetRequestTable {
  id: string;
  account_id: string;
  reason: string;
  status: string;
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
  note: string | null;
  ip: string | null;
}

/** A mailed password-reset link (docs/api.md "Account lifecycle"): single use, voided by a newer one. */
export interface PasswordResetTable {
  id: string;
  account_id: string;
  secret_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  superseded_at: number | null;
}

/** A requested change of the account's address: it moves only when the link mailed there is used. */
export interface EmailChangeTable {
  id: string;
  account_id: string;
  new_email: string;
  new_email_normalized: string;
  secret_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  superseded_at: number | null;
}

export interface OidcPayloadTable {
  kind: string;
  id: string;
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

export interface OidcClientTable {
  id: string;
  name: string;
  metadata: string;
  secret_sealed: string | null;
  first_party: number;
  launch_url: string | null;
  created_at: number;
}

export interface OidcKeyTable {
  kid: string;
  alg: string;
  generation: number;
  jwk_sealed: string;
  created_at: number;
  retired_at: number | null;
}

export interface HandoffTicketTable {
  id: string;
  secret_hash: string;
  account_id: string;
  client_id: string;
  amr: string;
  acr: string;
  auth_time: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface Database {
  accounts: AccountTable;
  account_roles: AccountRoleTable;
  activation_links: ActivationLinkTable;
  sessions: SessionTable;
  password_guards: PasswordGuardTable;
  rate_limits: RateLimitTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  mfa_factors: MfaFactorTable;
  recovery_codes: RecoveryCodeTable;
  mfa_flows: MfaFlowTable;
  mfa_codes: MfaCodeTable;
  trusted_devices: TrustedDeviceTable;
  mfa_reset_requests: MfaResetRequestTable;
  password_resets: PasswordResetTable;
  email_changes: EmailChangeTable;
  oidc_payloads: OidcPayloadTable;
  oidc_clients: OidcClientTable;
  oidc_keys: OidcKeyTable;
  handoff_tickets: HandoffTicketTable;
}

/** Where a query runs: the database, or the transaction it must be part of (SQLite has one connection). */
export type Db = Kysely<Database> | Transaction<Database>;
