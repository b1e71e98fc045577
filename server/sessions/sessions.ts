import type { Insertable } from 'kysely';
import type { SessionScope, SessionView } from '../../common/contract/http';
import type { Db, SessionTable } from '../db/schema';
import type { ServerContext } from '../context';
import { iso } from '../support/clock';
import { issueToken, parseToken, secretMatches } from '../support/secret-token';
import { factorStore } from '../mfa/factor-store';
import { compiled, type Slots } from '../db/compiled';

/** A checked session, as handlers see it: never the hash, never the token. */
export interface Session {
  id: string;
  accountId: string;
  scope: SessionScope;
  expiresAt: number;
  privilegedUntil: number | null;
  trustedDeviceId: string | null;
  createdAt: number;
  /** How the sign-in that opened it was made: RFC 8176 names and the portal's acr (docs/oidc.md). */
  amr: string[];
  acr: string | null;
}

export interface NewSession {
  scope: SessionScope;
  /** Set when the session was created by a factor verification: it may change factors for a while. */
  privilegedUntil?: number | null;
  trustedDeviceId?: string | null;
  /** How the account was authenticated (RFC 8176 names; docs/oidc.md): kept for the login portal. */
  amr?: readonly string[];
  acr?: string | null;
}

const insertSession = compiled((db, s: Slots<Omit<Insertable<SessionTable>, 'revoked_at'>>) =>
  db.insertInto('sessions').values({
    id: s.id,
    account_id: s.account_id,
    secret_hash: s.secret_hash,
    scope: s.scope,
    created_at: s.created_at,
    expires_at: s.expires_at,
    last_seen_at: s.last_seen_at,
    privileged_until: s.privileged_until,
    revoked_at: null,
    trusted_device_id: s.trusted_device_id,
    amr: s.amr,
    acr: s.acr,
  }),
);
const sessionById = compiled((db, s: Slots<{ id: string }>) =>
  db.selectFrom('sessions').selectAll().where('id', '=', s.id),
);
const touchSession = compiled((db, s: Slots<{ id: string; now: number }>) =>
  db.updateTable('sessions').set({ last_seen_at: s.now }).where('id', '=', s.id),
);

// Refreshing last_seen_at on every request would turn every read into a write.
const touchEveryMs = 60_000;

/**
 * Sessions per the Lucia guide: a random split token, SHA-256 of the secret stored, constant-time
 * comparison, an absolute lifetime (SESSION_TTL) and an idle timeout (SESSION_IDLE_TTL).
 */
export class Sessions {
  constructor(private readonly ctx: Pick<ServerContext, 'db' | 'clock' | 'random' | 'config'>) {}

  async create(db: Db, accountId: string, options: NewSession): Promise<SessionView> {
    const now = this.ctx.clock.now();
    const issued = issueToken(this.ctx.random);
    const expiresAt = now + this.ctx.config.sessionTtlMs;
    await insertSession.run(db, {
      id: issued.id,
      account_id: accountId,
      secret_hash: issued.secretHash,
      scope: options.scope,
      created_at: now,
      expires_at: expiresAt,
      last_seen_at: now,
      privileged_until: options.privilegedUntil ?? null,
      trusted_device_id: options.trustedDeviceId ?? null,
      amr: options.amr?.join(' ') ?? null,
      acr: options.acr ?? null,
    });
    return { token: issued.token, expiresAt: iso(expiresAt), scope: options.scope };
  }

  /** The live session behind a bearer token, or undefined for anything forged, expired, idle or revoked. */
  async authenticate(token: string): Promise<Session | undefined> {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    const row = await sessionById.first(this.ctx.db, { id: parsed.id });
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return undefined;
    const now = this.ctx.clock.now();
    if (!this.isLive(row, now)) return undefined;
    // An enrollment session exists only while the account has no factor (docs/security.md 32): a second
    // one left over from before the owner enrolled would otherwise add factors with a password alone.
    if (row.scope !== 'full' && (await factorStore.hasActive(this.ctx.db, row.account_id))) {
      await this.revoke(this.ctx.db, row.id);
      return undefined;
    }
    // A short idle timeout must still be honoured between touches: touch at least four times per period.
    if (now - row.last_seen_at >= Math.min(touchEveryMs, this.ctx.config.sessionIdleTtlMs / 4)) {
      await touchSession.run(this.ctx.db, { id: row.id, now });
    }
    return {
      id: row.id,
      accountId: row.account_id,
      scope: row.scope === 'full' ? 'full' : 'enrollment',
      expiresAt: row.expires_at,
      privilegedUntil: row.privileged_until,
      trustedDeviceId: row.trusted_device_id,
      createdAt: row.created_at,
      amr: row.amr ? row.amr.split(' ') : ['pwd'],
      acr: row.acr,
    };
  }

  isLive(row: Pick<SessionTable, 'revoked_at' | 'expires_at' | 'last_seen_at'>, now: number): boolean {
    return (
      row.revoked_at === null &&
      now < row.expires_at &&
      now < row.last_seen_at + this.ctx.config.sessionIdleTtlMs
    );
  }

  async revoke(db: Db, sessionId: string): Promise<void> {
    await db
      .updateTable('sessions')
      .set({ revoked_at: this.ctx.clock.now() })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Marks the session as allowed to change factors until `until` (a step-up). */
  async privilegeUntil(db: Db, sessionId: string, until: number): Promise<void> {
    await db.updateTable('sessions').set({ privileged_until: until }).where('id', '=', sessionId).execute();
  }

  /**
   * Ends the sessions a trusted computer opened without a factor (one device, or all of the account's),
   * sparing the caller's.
   */
  async revokeTrusted(db: Db, accountId: string, deviceId?: string, except?: string): Promise<void> {
    let query = db
      .updateTable('sessions')
      .set({ revoked_at: this.ctx.clock.now() })
      .where('account_id', '=', accountId)
      .where('trusted_device_id', 'is not', null)
      .where('revoked_at', 'is', null);
    if (deviceId) query = query.where('trusted_device_id', '=', deviceId);
    if (except) query = query.where('id', '!=', except);
    await query.execute();
  }

  /** Ends the account's enrollment sessions: its first factor is in place, enrolling is over. */
  async revokeEnrollment(db: Db, accountId: string): Promise<void> {
    await db
      .updateTable('sessions')
      .set({ revoked_at: this.ctx.clock.now() })
      .where('account_id', '=', accountId)
      .where('scope', '=', 'enrollment')
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Ends every session of an account (password change, MFA reset), optionally sparing the caller's. */
  async revokeAll(db: Db, accountId: string, except?: string): Promise<void> {
    let query = db
      .updateTable('sessions')
      .set({ revoked_at: this.ctx.clock.now() })
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null);
    if (except) query = query.where('id', '!=', except);
    await query.execute();
  }
}
