import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { Db } from '../db/schema';
import type { Clock } from '../support/clock';
import { newId, type Random } from '../support/random';
import type { SecretBox } from '../support/secret-key';

/** The algorithms the provider signs ID tokens with: RS256 (every client knows it) and ES256. */
const algorithms = ['RS256', 'ES256'] as const;

/**
 * How long a retired key stays published: the longest life of anything it signed (an ID token, a
 * logout token) plus margin, so tokens issued just before a rotation still verify (docs/operations.md).
 */
export const retiredKeyPublishedMs = 2 * 3_600_000;

export interface SigningJwk extends JsonWebKey {
  kid: string;
  alg: string;
  use: 'sig';
}

function generate(alg: (typeof algorithms)[number], kid: string): SigningJwk {
  const { privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

/**
 * The provider's signing keys, sealed with the server key in oidc_keys. The first start makes the first
 * generation (two instances starting at once agree: the generation is unique); `oidc rotate-keys` adds
 * the next and retires the previous, which stays published for `retiredKeyPublishedMs`.
 */
export class SigningKeys {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly box: SecretBox,
  ) {}

  /** The keys to load, newest first (the provider signs with the first key of an algorithm). */
  async load(): Promise<SigningJwk[]> {
    if (!(await this.db.selectFrom('oidc_keys').select('kid').executeTakeFirst()))
      await this.addGeneration(1);
    const rows = await this.db
      .selectFrom('oidc_keys')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('retired_at', 'is', null),
          eb('retired_at', '>', this.clock.now() - retiredKeyPublishedMs),
        ]),
      )
      .orderBy('generation', 'desc')
      .orderBy('alg', 'desc')
      .execute();
    return rows.map((row) => JSON.parse(this.box.open(row.jwk_sealed)) as SigningJwk);
  }

  /** Adds a new generation and retires the one before; running instances sign with it once restarted. */
  async rotate(): Promise<{ generation: number; kids: string[] }> {
    const latest = await this.db
      .selectFrom('oidc_keys')
      .select((eb) => eb.fn.max('generation').as('generation'))
      .executeTakeFirst();
    const generation = Number(latest?.generation ?? 0) + 1;
    const kids = await this.addGeneration(generation);
    await this.db
      .updateTable('oidc_keys')
      .set({ retired_at: this.clock.now() })
      .where('generation', '<', generation)
      .where('retired_at', 'is', null)
      .execute();
    return { generation, kids };
  }

  private async addGeneration(generation: number): Promise<string[]> {
    const now = this.clock.now();
    const keys = algorithms.map((alg) => generate(alg, newId(this.random)));
    await this.db
      .insertInto('oidc_keys')
      .values(
        keys.map((jwk) => ({
          kid: jwk.kid,
          alg: jwk.alg,
          generation,
          jwk_sealed: this.box.seal(JSON.stringify(jwk)),
          created_at: now,
          retired_at: null,
        })),
      )
      .onConflict((oc) => oc.columns(['generation', 'alg']).doNothing())
      .execute();
    return keys.map((jwk) => jwk.kid);
  }
}
