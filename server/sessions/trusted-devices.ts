import type { Db } from '../db/schema';
import type { ServerContext } from '../context';
import { asDeviceName } from '../../common/domain/text';
import { iso } from '../support/clock';
import { Sessions } from './sessions';
import { issueToken, parseToken, secretMatches } from '../support/secret-token';

export interface IssuedDevice {
  id: string;
  token: string;
  expiresAt: string;
}

/**
 * "Trust this computer (skip MFA for a week)": a TrustedDevice is a split token the desktop app keeps in
 * the OS keychain. It lives TRUSTED_DEVICE_TTL from issue — fixed, not sliding — and only skips the
 * second factor together with the right password of the same account. Explicit logout revokes it.
 */
export class TrustedDevices {
  private readonly sessions: Sessions;

  constructor(private readonly ctx: Pick<ServerContext, 'db' | 'clock' | 'random' | 'config'>) {
    this.sessions = new Sessions(ctx);
  }

  async issue(db: Db, accountId: string, name: string | undefined): Promise<IssuedDevice> {
    const now = this.ctx.clock.now();
    const issued = issueToken(this.ctx.random);
    const expiresAt = now + this.ctx.config.trustedDeviceTtlMs;
    await db
      .insertInto('trusted_devices')
      .values({
        id: issued.id,
        account_id: accountId,
        secret_hash: issued.secretHash,
        name: asDeviceName(name),
        created_at: now,
        expires_at: expiresAt,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    return { id: issued.id, token: issued.token, expiresAt: iso(expiresAt) };
  }

  /** The device id when the token is a live device of this account; undefined for anything else. */
  async live(db: Db, accountId: string, token: string | undefined): Promise<string | undefined> {
    const parsed = token ? parseToken(token) : undefined;
    if (!parsed) return undefined;
    const row = await db
      .selectFrom('trusted_devices')
      .selectAll()
      .where('id', '=', parsed.id)
      .executeTakeFirst();
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return undefined;
    const live =
      row.account_id === accountId && row.revoked_at === null && this.ctx.clock.now() < row.expires_at;
    return live ? row.id : undefined;
  }

  /** Like `live`, and stamps the device as used now: a sign-in it skipped the factor for. */
  async recognise(db: Db, accountId: string, token: string | undefined): Promise<string | undefined> {
    const id = await this.live(db, accountId, token);
    if (id)
      await db
        .updateTable('trusted_devices')
        .set({ last_used_at: this.ctx.clock.now() })
        .where('id', '=', id)
        .execute();
    return id;
  }

  /** Revokes the device a token names, if it belongs to the account; a foreign or forged token does nothing. */
  async revokeByToken(db: Db, accountId: string, token: string, exceptSessionId?: string): Promise<boolean> {
    const parsed = parseToken(token);
    if (!parsed) return false;
    const row = await db
      .selectFrom('trusted_devices')
      .select(['id', 'account_id', 'secret_hash'])
      .where('id', '=', parsed.id)
      .executeTakeFirst();
    if (!row || row.account_id !== accountId || !secretMatches(parsed.secret, row.secret_hash)) return false;
    await this.revoke(db, accountId, row.id, exceptSessionId);
    return true;
  }

  /**
   * Stops trusting one computer, and ends the sessions it opened without a factor: whoever revokes a
   * computer means "that machine is not me". The caller's own session is spared.
   */
  async revoke(db: Db, accountId: string, deviceId: string, exceptSessionId?: string): Promise<boolean> {
    const result = await db
      .updateTable('trusted_devices')
      .set({ revoked_at: this.ctx.clock.now() })
      .where('id', '=', deviceId)
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    await this.sessions.revokeTrusted(db, accountId, deviceId, exceptSessionId);
    return result.numUpdatedRows === 1n;
  }

  async revokeAll(db: Db, accountId: string, exceptSessionId?: string): Promise<void> {
    await db
      .updateTable('trusted_devices')
      .set({ revoked_at: this.ctx.clock.now() })
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .execute();
    await this.sessions.revokeTrusted(db, accountId, undefined, exceptSessionId);
  }

  async list(db: Db, accountId: string, currentDeviceId: string | null) {
    const rows = await db
      .selectFrom('trusted_devices')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', this.ctx.clock.now())
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: iso(row.created_at),
      lastUsedAt: row.last_used_at === null ? null : iso(row.last_used_at),
      expiresAt: iso(row.expires_at),
      current: row.id === currentDeviceId,
    }));
  }
}
