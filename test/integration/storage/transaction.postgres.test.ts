// Two transactions that lock the same rows in opposite orders: PostgreSQL breaks the deadlock by
// failing one of them (40P01). withTransaction runs the victim again, so both callers succeed and
// both writes are there; the caller never sees "deadlock detected" (it was a 500 in the Slack app).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { loadConfig } from '../../../src/core/config.js';
import { openDatabase, withTransaction, type Database } from '../../../src/store/database.js';
import { dropTestData, testEnv } from '../../helpers/service.js';

const env = testEnv();
let db: Database;

beforeAll(async () => {
  db = await openDatabase(loadConfig(env));
  await db.pool.query(`create schema if not exists "${env.DATABASE_SCHEMA}"`);
  await db.pool.query("create table tx_rows (id int primary key, touched text[] not null default '{}')");
  await db.pool.query('insert into tx_rows (id) values (1), (2)');
});
afterAll(async () => {
  await db.close();
  await dropTestData(env);
});

test('a deadlock victim is run again and both transactions commit', async () => {
  let release!: () => void;
  const bothHoldOneRow = new Promise<void>((r) => (release = r));
  let holding = 0;
  const runs = { a: 0, b: 0 };
  const lockInOrder = (name: 'a' | 'b', first: number, second: number) =>
    withTransaction(db, async (tx) => {
      runs[name]++;
      await tx.query('update tx_rows set touched = touched || $2::text where id = $1', [first, name]);
      if (++holding === 2) release();
      await bothHoldOneRow; // each now holds one row and asks for the other's
      await tx.query('update tx_rows set touched = touched || $2::text where id = $1', [second, name]);
      return name;
    });

  await expect(Promise.all([lockInOrder('a', 1, 2), lockInOrder('b', 2, 1)])).resolves.toEqual(['a', 'b']);
  expect(runs.a + runs.b).toBe(3); // one of them was the victim and ran twice
  const { rows } = await db.pool.query<{ id: number; touched: string[] }>('select id, touched from tx_rows order by id');
  for (const row of rows) expect([...row.touched].sort()).toEqual(['a', 'b']);
});

test('other errors are not retried', async () => {
  let runs = 0;
  await expect(
    withTransaction(db, async (tx) => {
      runs++;
      await tx.query('insert into tx_rows (id) values (1)');
    }),
  ).rejects.toMatchObject({ code: '23505' });
  expect(runs).toBe(1);
});
