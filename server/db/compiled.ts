import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database, Db } from './schema';

/** Stand-ins for a query's parameters while it is built once; replaced by the real values per call. */
export type Slots<P> = { readonly [K in keyof P]: P[K] };

const marker = '\u0000wem-slot:';

/**
 * A query shape built and compiled by Kysely once per dialect, then run with new values: building
 * and compiling each query anew was over half of what a second-factor verification cost (bench/,
 * figure 3). `build` receives stand-ins for the values (`slots.id`), which must only be used as
 * values (Kysely turns them into parameters), never to decide the shape of the query; an insert
 * names each column (`values({ id: slots.id, … })`): the stand-ins object has no keys to spread.
 */
export function compiled<P extends Record<string, unknown>, R>(
  build: (db: Kysely<Database>, slots: Slots<P>) => Compilable<R>,
): {
  run(db: Db, values: P): Promise<QueryResult<R>>;
  rows(db: Db, values: P): Promise<R[]>;
  first(db: Db, values: P): Promise<R | undefined>;
} {
  const byDialect = new Map<unknown, { query: CompiledQuery<R>; slots: (keyof P | undefined)[] }>();
  const slots = new Proxy({} as Slots<P>, { get: (_target, name) => `${marker}${String(name)}` });

  function prepare(db: Db) {
    // The adapter tells the dialects apart (a transaction shares its database's adapter).
    const adapter = db.getExecutor().adapter;
    let found = byDialect.get(adapter);
    if (!found) {
      const query = build(db as Kysely<Database>, slots).compile();
      found = {
        query,
        slots: query.parameters.map((value) =>
          typeof value === 'string' && value.startsWith(marker)
            ? (value.slice(marker.length) as keyof P)
            : undefined,
        ),
      };
      byDialect.set(adapter, found);
    }
    return found;
  }

  async function run(db: Db, values: P): Promise<QueryResult<R>> {
    const { query, slots: names } = prepare(db);
    const parameters = query.parameters.map((constant, i) => {
      const name = names[i];
      return name === undefined ? constant : values[name];
    });
    return db.executeQuery<R>({ ...query, parameters });
  }

  return {
    run,
    rows: async (db, values) => (await run(db, values)).rows,
    first: async (db, values) => (await run(db, values)).rows[0],
  };
}
