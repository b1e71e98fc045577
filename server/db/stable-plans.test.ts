import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase, withStablePlans } from './connect';
import { migrateToLatest } from './migrate';

it('wraps each bound parameter and leaves literals, quoted names and comments alone', () => {
  expect(withStablePlans('select "a?" from t where x = ? and y like \'%?%\' limit ?')).toBe(
    'select "a?" from t where x = +? and y like \'%?%\' limit +?',
  );
  expect(withStablePlans("values (?, 'it''s ?', ?) -- why?\n/* and ? */ ?")).toBe(
    "values (+?, 'it''s ?', +?) -- why?\n/* and ? */ +?",
  );
});

const dir = mkdtempSync(path.join(tmpdir(), 'wem-stable-plans-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keeps the plan of a LEFT JOIN with ORDER BY across bindings, with the same answers', async () => {
  const { db } = openDatabase(undefined, dir);
  await migrateToLatest(db);
  const now = 1_700_000_000_000;
  for (const id of ['a1', 'a2']) {
    await db
      .insertInto('accounts')
      .values({
        id,
        email: `${id}@example.test`,
        email_normalized: `${id}@example.test`,
        first_name: 'Ann',
        last_name: 'Lee',
        company: null,
        locale: 'en',
        password_hash: 'x',
        created_at: now,
        activated_at: now,
        updated_at: now,
        contested_at: null,
      })
      .execute();
  }
  await db
    .insertInto('mfa_factors')
    .values({
      id: 'f1',
      account_id: 'a1',
      type: 'totp',
      label: 'Phone',
      target: null,
      secret: null,
      status: 'active',
      created_at: now,
      activated_at: now,
      last_used_at: null,
      last_totp_step: null,
    })
    .execute();
  const query = (accountId: string) =>
    db
      .selectFrom('accounts')
      .leftJoin('mfa_factors', 'mfa_factors.account_id', 'accounts.id')
      .select(['accounts.id', 'mfa_factors.id as factorId'])
      .where('accounts.id', '=', accountId)
      .orderBy('mfa_factors.created_at')
      .execute();

  // better-sqlite3 builds a row constructor with Function() each time SQLite prepares a statement
  // again: counting those calls counts the re-preparations.
  const real = globalThis.Function;
  let built = 0;
  globalThis.Function = new Proxy(real, {
    apply(target, self, args) {
      built += 1;
      return Reflect.apply(target, self, args) as unknown;
    },
  });
  try {
    for (let i = 0; i < 20; i++) {
      expect(await query(i % 2 ? 'a1' : 'a2')).toEqual(
        i % 2 ? [{ id: 'a1', factorId: 'f1' }] : [{ id: 'a2', factorId: null }],
      );
    }
  } finally {
    globalThis.Function = real;
  }
  expect(built).toBeLessThanOrEqual(1);
  await db.destroy();
});
