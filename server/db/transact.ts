import type { Transaction } from 'kysely';
import type { ServerContext } from '../context';
import type { Database } from './schema';

/**
 * One transaction of a service. Mail and texts queued in it leave once it has committed: the outbox
 * is kicked then, and only if something was queued, so no service has to remember to.
 */
export async function transact<T>(
  ctx: Pick<ServerContext, 'db' | 'outbox'>,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  let used: Transaction<Database> | undefined;
  const result = await ctx.db.transaction().execute((trx) => {
    used = trx;
    return work(trx);
  });
  if (used) ctx.outbox.committed(used);
  return result;
}
