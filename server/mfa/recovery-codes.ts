import type { ServerContext } from '../context';
import { newId, type Random } from '../support/random';
import { KeyedDigest } from '../support/secret-key';
import type { MfaFlow } from './flows';
import type { Db, Factor, FactorStrategy } from './factor-strategy';

export const recoveryCodeCount = 10;
// No 0/O, 1/l/I: codes are read off paper and typed by hand.
const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';

/** "k7pm-3qxa-9tdw": 12 characters from 31, about 59 bits each. */
export function newRecoveryCode(random: Random): string {
  const chars = Array.from({ length: 12 }, () => alphabet[random.int(alphabet.length)]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

/** Case, spaces and dashes do not matter when a person types a code back. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/**
 * Ten one-use codes for the day every other factor is out of reach. Stored as keyed hashes; shown
 * once; a new set replaces the old. They never count as the factor rule 7 keeps.
 */
export class RecoveryCodesFactor implements FactorStrategy {
  readonly type = 'recovery_codes' as const;

  private readonly digests: KeyedDigest;

  /** `previousHmacKey`: the same purpose's key from PREVIOUS_SECRET_KEY, so codes made before a rotation still work. */
  constructor(
    private readonly ctx: Pick<ServerContext, 'clock' | 'random'>,
    hmacKey: Buffer,
    previousHmacKey?: Buffer,
  ) {
    this.digests = new KeyedDigest(hmacKey, previousHmacKey);
  }

  hash(code: string): string {
    return this.digests.digest(normaliseRecoveryCode(code));
  }

  /** Writes a fresh set for the factor and returns the codes, the only time they exist in clear. */
  async generate(db: Db, factorId: string): Promise<string[]> {
    await db.deleteFrom('recovery_codes').where('factor_id', '=', factorId).execute();
    const codes = Array.from({ length: recoveryCodeCount }, () => newRecoveryCode(this.ctx.random));
    await db
      .insertInto('recovery_codes')
      .values(
        codes.map((code) => ({
          id: newId(this.ctx.random),
          factor_id: factorId,
          code_hash: this.hash(code),
          used_at: null,
        })),
      )
      .execute();
    return codes;
  }

  async verify(db: Db, factor: Factor, _flow: MfaFlow, code: string): Promise<boolean> {
    if (normaliseRecoveryCode(code).length !== 12) return false;
    const used = await db
      .updateTable('recovery_codes')
      .set({ used_at: this.ctx.clock.now() })
      .where('factor_id', '=', factor.id)
      .where('code_hash', 'in', this.digests.candidates(normaliseRecoveryCode(code)))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return used.numUpdatedRows === 1n;
  }
}
