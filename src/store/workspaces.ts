// The workspaces table: a name, and everything else (keys, webhooks, events, Slack links) hangs
// off its id. A workspace is made by the first API key made for its name.
import type { Queryable } from './database.js';

/** The row type of workspaces (its created_at is read by nobody). */
export interface Workspace {
  id: string;
  name: string;
}

export async function ensureWorkspace(db: Queryable, name: string): Promise<Workspace> {
  const { rows } = await db.query<Workspace>(
    `insert into workspaces (name) values ($1)
     on conflict (name) do update set name = excluded.name
     returning id, name`,
    [name],
  );
  return rows[0];
}

export async function findWorkspace(db: Queryable, name: string): Promise<Workspace | undefined> {
  const { rows } = await db.query<Workspace>('select id, name from workspaces where name = $1', [name]);
  return rows[0];
}

/**
 * Holds the workspace row until the transaction ends, so that changes counted against a
 * workspace limit (webhooks.ts) are counted one after another. `no key update`: ingest's
 * foreign keys to the row (key share) go on meanwhile.
 */
export async function lockWorkspace(tx: Queryable, workspaceId: string): Promise<void> {
  await tx.query('select 1 from workspaces where id = $1 for no key update', [workspaceId]);
}
