// A fresh, empty PostgreSQL database per test suite, on the server named by TEST_DATABASE_URL.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set: run the tests with `npm test`, which starts a PostgreSQL server',
    );
  }
  return url;
}

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a database `wem_test_<random hex>` and returns its URL; `drop()` removes it, closing open connections. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = serverUrl();
  // Only generated hex goes into the name, so it is a safe identifier.
  const name = `wem_test_${randomBytes(8).toString('hex')}`;
  await onServer(base, `create database "${name}"`);

  const url = new URL(base);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop: () => (dropping ??= onServer(base, `drop database if exists "${name}" with (force)`)),
  };
}
