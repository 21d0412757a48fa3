// The same node-pg-migrate migrations on PGlite and PostgreSQL. Concurrent starts wait on
// node-pg-migrate's advisory lock instead of failing.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { Database } from './database.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export async function migrate(db: Database): Promise<string[]> {
  const client = new pg.Client(db.clientConfig);
  await client.connect();
  try {
    const ran = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      schema: db.schema,
      createSchema: true,
      checkOrder: true,
      advisoryLockMode: 'wait',
      log: () => {},
    });
    return ran.map((m) => m.name);
  } finally {
    await client.end();
  }
}
