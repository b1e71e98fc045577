import type { ServerContext } from '../context';
import type { Db } from '../db/schema';
import type { Session } from '../sessions/sessions';
import { acrValues } from '../sessions/authentication-methods';
import { iso } from '../support/clock';
import { issueToken, parseToken, secretMatches } from '../support/secret-token';

/** A ticket lives one minute: long enough to start a browser, too short to be worth stealing. */
export const handoffTicketTtlMs = 60_000;

/** What a consumed ticket carries into the browser's new portal session. */
export interface HandedOff {
  accountId: string;
  amr: string[];
  acr: string;
}

/**
 * The desktop app's "Open Modeler" (docs/api.md, "Login portal"): a split token of 256 bits (only the
 * SHA-256 of its secret stored), single use, 60 s, bound to one account and one client, carrying how
 * the desktop session was authenticated. All SQL on handoff_tickets is here.
 */
export class HandoffTickets {
  constructor(private readonly ctx: Pick<ServerContext, 'db' | 'clock' | 'random'>) {}

  async issue(db: Db, session: Session, clientId: string): Promise<{ token: string; expiresAt: string }> {
    const now = this.ctx.clock.now();
    const issued = issueToken(this.ctx.random);
    await db
      .insertInto('handoff_tickets')
      .values({
        id: issued.id,
        secret_hash: issued.secretHash,
        account_id: session.accountId,
        client_id: clientId,
        amr: session.amr.join(' '),
        acr: session.acr ?? acrValues.mfa,
        auth_time: session.createdAt,
        created_at: now,
        expires_at: now + handoffTicketTtlMs,
        used_at: null,
      })
      .execute();
    return { token: issued.token, expiresAt: iso(now + handoffTicketTtlMs) };
  }

  /**
   * Uses a ticket up: undefined for anything forged, expired, used before or issued for another client
   * (docs/security.md 51). The conditional update makes two browsers racing with one ticket get it once.
   */
  async consume(token: string, clientId: string): Promise<HandedOff | undefined> {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    const row = await this.ctx.db
      .selectFrom('handoff_tickets')
      .selectAll()
      .where('id', '=', parsed.id)
      .executeTakeFirst();
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return undefined;
    const now = this.ctx.clock.now();
    // Spent even when presented for the wrong client: a ticket that leaked is not tried twice.
    const used = await this.ctx.db
      .updateTable('handoff_tickets')
      .set({ used_at: now })
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (used.numUpdatedRows !== 1n || row.client_id !== clientId) return undefined;
    return { accountId: row.account_id, amr: row.amr.split(' '), acr: row.acr };
  }
}
