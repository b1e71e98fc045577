import type { Adapter, AdapterPayload } from 'oidc-provider';
import { sql } from 'kysely';
import type { Db } from '../db/schema';
import type { Clock } from '../support/clock';
import { requestSecretMethod } from './client-auth';
import type { ClientStore } from './client-store';

/**
 * oidc-provider's persistence on Kysely (docs/oidc.md): one table of payloads keyed by model and id, on
 * SQLite and PostgreSQL alike. Expired rows are never returned and are swept by `sweepExpired`; nothing
 * is kept in memory, so an authorization started on one instance can be finished on another.
 * Clients are not payloads: the `Client` model reads the clients table, so `client add` and
 * `client remove` take effect on running instances at once.
 */
export class OidcPayloadStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly clients: ClientStore,
  ) {}

  /** The adapter factory oidc-provider calls once per model name. */
  adapterFor = (kind: string): Adapter =>
    kind === 'Client' ? this.clientAdapter() : new PayloadAdapter(this.db, this.clock, kind);

  private clientAdapter(): Adapter {
    const clients = this.clients;
    return {
      find: async (id) => clients.metadataOf(id, requestSecretMethod.getStore()),
      // Clients are registered with the admin command only (no dynamic registration).
      upsert: async () => undefined,
      findByUid: async () => undefined,
      findByUserCode: async () => undefined,
      consume: async () => undefined,
      destroy: async () => undefined,
      revokeByGrantId: async () => undefined,
    };
  }

  /**
   * Records that a relying party demanded a fresh factor for this interaction (docs/security.md 41): only
   * a portal session opened with a factor after `since` may finish it.
   */
  async requireFreshSignIn(uid: string, since: number, ttlSeconds: number): Promise<void> {
    await new PayloadAdapter(this.db, this.clock, freshSignInKind).upsert(uid, { since }, ttlSeconds);
  }

  async freshSignInSince(uid: string): Promise<number | undefined> {
    const found = await new PayloadAdapter(this.db, this.clock, freshSignInKind).find(uid);
    return typeof found?.since === 'number' ? found.since : undefined;
  }

  /**
   * Everything the provider keeps of an account — its provider sessions, grants, codes and tokens, and
   * whatever else belongs to those grants — for an account being deleted (in its transaction).
   */
  async removeOfAccount(db: Db, accountId: string): Promise<void> {
    // The payload is oidc-provider's JSON; the account's id appears in it exactly like this.
    const owned = `%${JSON.stringify({ accountId })
      .slice(1, -1)
      .replace(/[\\%_]/g, '\\$&')}%`;
    const ofAccount = sql<boolean>`payload like ${owned} escape '\\'`;
    // The account's grants are its Grant rows (their own id) and the grants its other rows name.
    const grantRows = db
      .selectFrom('oidc_payloads')
      .select('id')
      .where('kind', '=', 'Grant')
      .where(ofAccount);
    const namedGrants = db
      .selectFrom('oidc_payloads')
      .select('grant_id')
      .where(ofAccount)
      .where('grant_id', 'is not', null);
    await db
      .deleteFrom('oidc_payloads')
      .where((eb) => eb.or([ofAccount, eb('grant_id', 'in', grantRows), eb('grant_id', 'in', namedGrants)]))
      .execute();
  }

  /** Deletes what has expired; the adapter already ignores it, this only keeps the table small. */
  async sweepExpired(): Promise<number> {
    const result = await this.db
      .deleteFrom('oidc_payloads')
      .where('expires_at', '<=', this.clock.now())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** The portal's own record beside oidc-provider's models (not one of theirs, so no name can clash). */
const freshSignInKind = 'WemFreshSignIn';

class PayloadAdapter implements Adapter {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly kind: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const row = {
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      uid: payload.uid ?? null,
      user_code: payload.userCode ?? null,
      expires_at: expiresIn ? this.clock.now() + expiresIn * 1000 : null,
      consumed_at: null,
    };
    await this.db
      .insertInto('oidc_payloads')
      .values({ kind: this.kind, id, ...row })
      .onConflict((oc) => oc.columns(['kind', 'id']).doUpdateSet(row))
      .execute();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.first('id', id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.first('uid', uid);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.first('user_code', userCode);
  }

  /** Marks a code or refresh token used; oidc-provider revokes the grant when it comes back (docs/security.md 42, 44). */
  async consume(id: string): Promise<void> {
    await this.db
      .updateTable('oidc_payloads')
      .set({ consumed_at: this.clock.now() })
      .where('kind', '=', this.kind)
      .where('id', '=', id)
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('kind', '=', this.kind).where('id', '=', id).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
  }

  private async first(
    column: 'id' | 'uid' | 'user_code',
    value: string,
  ): Promise<AdapterPayload | undefined> {
    const row = await this.db
      .selectFrom('oidc_payloads')
      .selectAll()
      .where('kind', '=', this.kind)
      .where(column, '=', value)
      .executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= this.clock.now())) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(row.consumed_at / 1000) };
  }
}
