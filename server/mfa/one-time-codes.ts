import { compiled, type Slots } from '../db/compiled';
import type { Db } from '../db/schema';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { newId } from '../support/random';
import { KeyedDigest } from '../support/secret-key';

export const codeLifetimeMs = 10 * 60_000;
export const resendCooldownMs = 30_000;

// The two statements of every code verification, compiled once (server/db/compiled.ts).
const liveCodes = compiled((db, s: Slots<{ flowId: string; factorId: string; now: number }>) =>
  db
    .selectFrom('mfa_codes')
    .select(['id', 'code_hash'])
    .where('flow_id', '=', s.flowId)
    .where('factor_id', '=', s.factorId)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('expires_at', '>', s.now),
);
const useCode = compiled((db, s: Slots<{ id: string; now: number }>) =>
  db
    .updateTable('mfa_codes')
    .set({ used_at: s.now })
    .where('id', '=', s.id)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null),
);

/**
 * Mailed and texted codes: 6 digits, valid 10 minutes, single use, bound to one flow and one factor.
 * Only an HMAC keyed with the server key is stored: a 6-digit code under plain SHA-256 would fall to
 * a million guesses from a stolen database. A new code supersedes the flow's older ones for that factor.
 */
export class OneTimeCodes {
  private readonly digests: KeyedDigest;

  /** `previousHmacKey`: the same purpose's key from PREVIOUS_SECRET_KEY, so codes sent before a rotation still work. */
  constructor(
    private readonly ctx: Pick<ServerContext, 'clock' | 'random'>,
    hmacKey: Buffer,
    previousHmacKey?: Buffer,
  ) {
    this.digests = new KeyedDigest(hmacKey, previousHmacKey);
  }

  /** One code per flow and factor per cooldown: checked before anything is counted, written or sent. */
  async checkCooldown(db: Db, flowId: string, factorId: string): Promise<void> {
    const now = this.ctx.clock.now();
    const last = await db
      .selectFrom('mfa_codes')
      .select('created_at')
      .where('flow_id', '=', flowId)
      .where('factor_id', '=', factorId)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (last && now - last.created_at < resendCooldownMs) {
      throw new ApiError('resend_too_soon', {
        retryAfterSeconds: Math.ceil((last.created_at + resendCooldownMs - now) / 1000),
      });
    }
  }

  async issue(
    db: Db,
    flowId: string,
    factorId: string,
  ): Promise<{ code: string; expiresAt: number; resendAfter: number }> {
    const now = this.ctx.clock.now();
    await db
      .updateTable('mfa_codes')
      .set({ superseded_at: now })
      .where('flow_id', '=', flowId)
      .where('factor_id', '=', factorId)
      .where('used_at', 'is', null)
      .where('superseded_at', 'is', null)
      .execute();
    const code = String(this.ctx.random.int(1_000_000)).padStart(6, '0');
    const expiresAt = now + codeLifetimeMs;
    await db
      .insertInto('mfa_codes')
      .values({
        id: newId(this.ctx.random),
        flow_id: flowId,
        factor_id: factorId,
        code_hash: this.digests.digest(code),
        created_at: now,
        expires_at: expiresAt,
        used_at: null,
        superseded_at: null,
      })
      .execute();
    return { code, expiresAt, resendAfter: now + resendCooldownMs };
  }

  /** True once for the right, live, unused code of this flow and factor; it is used up atomically. */
  async consume(db: Db, flowId: string, factorId: string, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const now = this.ctx.clock.now();
    const live = await liveCodes.rows(db, { flowId, factorId, now });
    const match = live.find((row) => this.digests.matches(code, row.code_hash));
    if (!match) return false;
    const used = await useCode.run(db, { id: match.id, now });
    return used.numAffectedRows === 1n;
  }
}
