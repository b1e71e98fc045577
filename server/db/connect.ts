import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
  type SqliteDatabase as KyselySqlite,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, with any password removed: safe to print. */
  description: string;
}

const int8Oid = 20;

/** Our bigints are epoch milliseconds and counts, far below 2^53: read them as numbers. */
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8Oid
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Bounds on waiting for PostgreSQL, so that a database that is down, restarting or unreachable turns
 * every request into a prompt 503 instead of a request that hangs (docs/operations.md).
 */
export interface DatabaseTimeouts {
  /** Opening a connection, or waiting for a free one in the pool. */
  connectMs: number;
  /**
   * One statement. The server cancels it after this (statement_timeout, a clean error on a usable
   * connection); the client gives up 2 s later in case no answer comes at all (a partitioned network).
   * 0 means no limit: migrations get that, since an index on a big table may take minutes.
   */
  statementMs: number;
}

export const requestTimeouts: DatabaseTimeouts = { connectMs: 5_000, statementMs: 10_000 };
export const unboundedStatements: DatabaseTimeouts = { connectMs: 5_000, statementMs: 0 };

export function openDatabase(
  databaseUrl: string | undefined,
  dataDir: string,
  timeouts: DatabaseTimeouts = requestTimeouts,
): DatabaseHandle {
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) {
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      types: pgTypes,
      max: 10,
      connectionTimeoutMillis: timeouts.connectMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      ...(timeouts.statementMs > 0
        ? { statement_timeout: timeouts.statementMs, query_timeout: timeouts.statementMs + 2_000 }
        : {}),
    });
    // A connection lost while idle in the pool (server restart) is reported here and dropped by the pool.
    pool.on('error', () => {});
    // A connection lost while a request holds it makes its client emit 'error' as well; with no listener
    // that would throw out of the event loop and end the process. The request's own query fails with the
    // same error (mapped to 503), and the pool drops the client when it is released.
    pool.on('connect', (client) => {
      client.on('error', () => {});
    });
    const url = new URL(databaseUrl);
    url.password = '';
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: endingSilentConnections(pool) }) }),
      dialect: 'postgres',
      description: url.toString(),
    };
  }

  const file = databaseUrl
    ? databaseUrl.replace(/^(sqlite|file):(\/\/)?/, '')
    : path.join(dataDir, 'wem-account.sqlite');
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }) }),
    dialect: 'sqlite',
    description: path.resolve(file),
  };
}

/**
 * Wraps every bound parameter in a unary plus (`?` → `+?`), outside string literals, quoted
 * identifiers and comments. SQLite lets the planner peek at a bound value when the statement has an
 * ORDER BY, a LEFT JOIN or a LIKE next to it, and then prepares the statement again on every new
 * binding (better-sqlite3 also compiles a new row constructor each time): measured, 40 µs instead of
 * 7 µs per run of the hot shapes, about a tenth of a second-factor verification (bench/, figure 3).
 * The query planner stability guarantee would turn that off, but better-sqlite3 does not expose it.
 * `+?` is the same value with the same (absent) affinity, indexes stay usable, and the plan no longer
 * depends on the value: that is the guarantee, per statement.
 */
export function withStablePlans(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = closing(sql, i, c);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else {
      out += c === '?' ? '+?' : c;
      i += 1;
    }
  }
  return out;
}

/** The index after a quoted run opened at `start`; a doubled quote inside is an escaped one. */
function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return sql.length;
}

/**
 * Kysely's SQLite driver prepares every query anew, and compiling the SQL cost as much as running it
 * (bench/, issue 7: a third of a TOTP verification). The API has a few dozen query shapes, so each is
 * prepared once and kept. Safe to share: the driver runs one query at a time on its one connection, and
 * SQLite re-prepares a kept statement by itself after a schema change.
 */
function reusingStatements(sqlite: SqliteDatabase.Database, max = 500): KyselySqlite {
  const kept = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      const found = kept.get(sql);
      if (found) return found;
      const statement = sqlite.prepare(withStablePlans(sql));
      // Dynamic shapes (an IN list of varying length) cannot grow it without bound: the oldest goes.
      const oldest = kept.keys().next();
      if (kept.size >= max && !oldest.done) kept.delete(oldest.value);
      kept.set(sql, statement);
      return statement;
    },
  };
}

const kyselyCommands = ['UPDATE', 'DELETE', 'INSERT', 'SELECT', 'MERGE', 'COMMIT', 'ROLLBACK'] as const;

/** The pool as Kysely uses it, with every connection it hands out wrapped in SilenceEndsConnection. */
function endingSilentConnections(pool: pg.Pool): PostgresPool {
  return {
    connect: async () => new SilenceEndsConnection(await pool.connect()),
    end: () => pool.end(),
    // Kysely 0.29 reads the pool's options to open a control connection when a query is cancelled.
    options: pool.options,
  };
}

/**
 * When the server never answers a statement (a network partition), pg's query_timeout fails the
 * statement but leaves the connection waiting for that answer, so the rollback Kysely sends next
 * would wait just as long. Ending the client at that moment destroys its socket: whatever else is
 * queued on it fails at once, and the pool drops it when it is released.
 */
class SilenceEndsConnection implements PostgresPoolClient {
  constructor(private readonly client: pg.PoolClient) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    statement: string | PostgresCursor<R>,
    parameters: ReadonlyArray<unknown> = [],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof statement !== 'string') throw new Error('The server reads no query through a cursor.');
    return this.run<R>(statement, parameters);
  }

  private async run<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    try {
      const result = await this.client.query(sql, [...parameters]);
      // Kysely reads the command for COMMIT/ROLLBACK and affected rows; others (BEGIN, SET…) count as reads.
      const command = kyselyCommands.find((known) => known === result.command) ?? 'SELECT';
      return { command, rowCount: result.rowCount ?? 0, rows: result.rows };
    } catch (error) {
      if (error instanceof Error && error.message === 'Query read timeout')
        void this.client.end().catch(() => {});
      throw error;
    }
  }

  release(destroy?: boolean): void {
    this.client.release(destroy);
  }
}
