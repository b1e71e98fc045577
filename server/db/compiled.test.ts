import { expect, it } from 'vitest';
import { forEachDialect } from '../../test/helpers/harness';
import { compiled, type Slots } from './compiled';

const keyed = compiled((db, s: Slots<{ key: string }>) =>
  db.selectFrom('rate_limits').select(['key', 'count']).where('key', '=', s.key),
);
const put = compiled((db, s: Slots<{ key: string; count: number }>) =>
  db.insertInto('rate_limits').values({ key: s.key, window_start: 0, count: s.count }),
);

forEachDialect('compiled query shapes', (t) => {
  it('run with the values of each call, in and out of transactions, on each dialect', async () => {
    await put.run(t().db, { key: 'a', count: 1 });
    await t()
      .db.transaction()
      .execute(async (trx) => {
        await put.run(trx, { key: 'b', count: 2 });
        expect(await keyed.first(trx, { key: 'b' })).toEqual({ key: 'b', count: 2 });
      });
    expect(await keyed.first(t().db, { key: 'a' })).toEqual({ key: 'a', count: 1 });
    expect(await keyed.rows(t().db, { key: 'nothing' })).toEqual([]);
  });

  it('treat a value that looks like SQL as a value', async () => {
    await put.run(t().db, { key: "x' or '1'='1", count: 3 });
    expect(await keyed.rows(t().db, { key: "' or '1'='1" })).toEqual([]);
    expect(await keyed.first(t().db, { key: "x' or '1'='1" })).toEqual({ key: "x' or '1'='1", count: 3 });
  });
});
