import type { Kysely } from 'kysely';
import type { Dialect } from '../db/connect';
import type { Database, Db } from '../db/schema';
import type { Random } from '../support/random';
import { SecretBox, sealedKeyId } from '../support/secret-key';
import { outboxStore } from '../delivery/outbox-store';
import { factorStore } from '../mfa/factor-store';

/**
 * Re-encrypts every value sealed with the old server key (TOTP seeds, queued mail and SMS, the login
 * portal's signing keys and confidential clients' secrets) with the
 * current one, after SECRET_KEY has been changed. Batches of rows are rewritten each in one transaction
 * (rows locked on PostgreSQL, so a running outbox worker and the rotation never both write a row);
 * values already sealed with the current key are left alone, so the command can be run again safely.
 *
 * Keyed hashes (recovery codes, pending email/SMS codes) cannot be re-keyed: they are not stored in a
 * form that can be read back. See docs/operations.md.
 */

interface SealedRow {
  id: string;
  sealed: string;
}

/** One column that holds sealed values, and the purpose its SecretBox is made for (see app.ts). */
interface SealedColumn {
  name: string;
  purpose: string;
  /** Rows with a sealed value and an id after `afterId`, in id order, locked on PostgreSQL. */
  batch(trx: Db, afterId: string, limit: number, lock: boolean): Promise<SealedRow[]>;
  /** Replaces the value only if it is still `from`; false when the row changed meanwhile. */
  replace(trx: Db, id: string, from: string, to: string): Promise<boolean>;
}

const sealedColumns: SealedColumn[] = [
  {
    name: 'mfa_factors.secret',
    purpose: 'totp',
    batch: (trx, afterId, limit, lock) => factorStore.sealedBatch(trx, afterId, limit, lock),
    replace: (trx, id, from, to) => factorStore.replaceSealed(trx, id, from, to),
  },
  {
    name: 'outbox.payload',
    purpose: 'outbox',
    batch: (trx, afterId, limit, lock) => outboxStore.sealedBatch(trx, afterId, limit, lock),
    replace: (trx, id, from, to) => outboxStore.replaceSealed(trx, id, from, to),
  },
  {
    name: 'oidc_keys.jwk_sealed',
    purpose: 'oidc-keys',
    async batch(trx, afterId, limit, lock) {
      const query = trx
        .selectFrom('oidc_keys')
        .select(['kid', 'jwk_sealed'])
        .where('kid', '>', afterId)
        .orderBy('kid')
        .limit(limit);
      const rows = await (lock ? query.forUpdate() : query).execute();
      return rows.map((row) => ({ id: row.kid, sealed: row.jwk_sealed }));
    },
    async replace(trx, id, from, to) {
      const result = await trx
        .updateTable('oidc_keys')
        .set({ jwk_sealed: to })
        .where('kid', '=', id)
        .where('jwk_sealed', '=', from)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },
  },
  {
    name: 'oidc_clients.secret_sealed',
    purpose: 'oidc-clients',
    async batch(trx, afterId, limit, lock) {
      const query = trx
        .selectFrom('oidc_clients')
        .select(['id', 'secret_sealed'])
        .where('secret_sealed', 'is not', null)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit);
      const rows = await (lock ? query.forUpdate() : query).execute();
      return rows.map((row) => ({ id: row.id, sealed: row.secret_sealed ?? '' }));
    },
    async replace(trx, id, from, to) {
      const result = await trx
        .updateTable('oidc_clients')
        .set({ secret_sealed: to })
        .where('id', '=', id)
        .where('secret_sealed', '=', from)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },
  },
];

export interface RotationCount {
  /** `table.column` */
  column: string;
  reEncrypted: number;
  alreadyCurrent: number;
  /** Sealed with a key that is neither the old nor the current one: left as they are. */
  otherKey: number;
  /** Named the old key but did not open with it (damaged): left as they are. */
  unreadable: number;
}

export interface RotationOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  oldKey: Buffer;
  currentKey: Buffer;
  random: Random;
  batchSize?: number;
}

export async function rotateSecretKey(options: RotationOptions): Promise<RotationCount[]> {
  const { db, dialect, oldKey, currentKey, random } = options;
  if (oldKey.equals(currentKey)) throw new Error('The old key is the current SECRET_KEY: nothing to rotate.');
  const batchSize = options.batchSize ?? 200;
  const counts: RotationCount[] = [];
  for (const column of sealedColumns) {
    const from = new SecretBox(oldKey, column.purpose, random);
    const to = new SecretBox(currentKey, column.purpose, random);
    const count: RotationCount = {
      column: column.name,
      reEncrypted: 0,
      alreadyCurrent: 0,
      otherKey: 0,
      unreadable: 0,
    };
    let afterId = '';
    for (;;) {
      const rows = await db.transaction().execute(async (trx) => {
        const batch = await column.batch(trx, afterId, batchSize, dialect === 'postgres');
        for (const row of batch) {
          const keyId = sealedKeyId(row.sealed);
          if (keyId === to.keyId) count.alreadyCurrent++;
          else if (keyId !== from.keyId) count.otherKey++;
          else {
            let plaintext: string;
            try {
              plaintext = from.open(row.sealed);
            } catch {
              count.unreadable++;
              continue;
            }
            if (await column.replace(trx, row.id, row.sealed, to.seal(plaintext))) count.reEncrypted++;
          }
        }
        return batch;
      });
      const last = rows.at(-1);
      if (!last) break;
      afterId = last.id;
    }
    counts.push(count);
  }
  return counts;
}

/** A server key as SECRET_KEY and DATA_DIR/secret.key hold it: base64 of at least 32 bytes. */
export function parseSecretKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length < 32) throw new Error(`${source} is not a server key (base64 of at least 32 bytes).`);
  return key;
}
