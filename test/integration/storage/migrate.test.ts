// Migrations: the same files on both databases; concurrent runs wait for each other instead of failing.
import { afterAll, expect, test } from '@jest/globals';
import { loadConfig } from '../../../src/core/config.js';
import { openDatabase } from '../../../src/store/database.js';
import { migrate } from '../../../src/store/migrate.js';
import { dropTestData, testEnv } from '../../helpers/service.js';
import { COMPILED_BIN as bin } from '../../helpers/bin.js';

const env = testEnv();
afterAll(() => dropTestData(env));

test('two migrations at once both succeed and the schema is complete', async () => {
  const db = await openDatabase(loadConfig(env));
  try {
    const [a, b] = await Promise.all([migrate(db), migrate(db)]);
    // One of them ran the migrations; the other waited for the lock and found nothing to do.
    expect([...a, ...b].filter((n) => n.endsWith('_init'))).toHaveLength(1);
    const { rows } = await db.pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = current_schema() order by 1`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['workspaces', 'api_keys', 'webhooks', 'events', 'deliveries', 'attempts']));
    expect(await migrate(db)).toEqual([]);
  } finally {
    await db.close();
  }
});

test('two `forjinn-webhooks migrate` processes started together both succeed', async () => {
  const { execFile } = await import('node:child_process');
  const fresh = testEnv();
  try {
    const runOne = () =>
      new Promise<{ code: number; out: string }>((resolve) => {
        execFile(process.execPath, [bin, 'migrate'], { env: { PATH: process.env.PATH, ...fresh, LOG_LEVEL: 'warn' } }, (err, stdout, stderr) =>
          resolve({ code: err ? 1 : 0, out: stdout + stderr }),
        );
      });
    const results = await Promise.all([runOne(), runOne()]);
    expect(results.map((r) => [r.code, r.out.trim()])).toEqual([
      [0, 'database is up to date'],
      [0, 'database is up to date'],
    ]);
  } finally {
    await dropTestData(fresh);
  }
}, 240_000);
