// The api_keys table: a key's sha256 hash, its printed prefix and its workspace. The key itself
// is never stored (services/auth/api-keys.ts makes and hashes it). Lookup by the hash's unique
// index means no secret is ever compared byte by byte in JS.
import type { Queryable } from './database.js';
import type { Workspace } from './workspaces.js';
import { createLoader } from '../core/loader.js';

/** The row type of api_keys, as listed: never the hash. */
export interface ApiKeyInfo {
  id: string;
  prefix: string;
  name: string | null;
  workspace: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export async function insertApiKey(db: Queryable, workspaceId: string, hash: Buffer, prefix: string, name?: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'insert into api_keys (workspace_id, key_hash, prefix, name) values ($1, $2, $3, $4) returning id',
    [workspaceId, hash, prefix, name ?? null],
  );
  return rows[0].id;
}

const loaders = new WeakMap<Queryable, (hash: string) => Promise<Workspace | undefined>>();

/** The workspace of a live key by its hash (hex), or undefined. Concurrent requests share one lookup (never a cache). */
export async function workspaceOfKeyHash(db: Queryable, hash: string): Promise<Workspace | undefined> {
  let load = loaders.get(db);
  if (!load) {
    load = createLoader(async (hashes: string[]) => {
      const { rows } = await db.query<Workspace & { hash: string }>({
        name: 'authenticate',
        text: `select encode(k.key_hash, 'hex') as hash, w.id, w.name from api_keys k join workspaces w on w.id = k.workspace_id
               where k.key_hash = any($1::bytea[]) and k.revoked_at is null`,
        values: [hashes.map((h) => `\\x${h}`)],
      });
      return new Map(rows.map((r) => [r.hash, { id: r.id, name: r.name }]));
    });
    loaders.set(db, load);
  }
  return load(hash);
}

export async function listApiKeys(db: Queryable, workspaceName?: string): Promise<ApiKeyInfo[]> {
  const { rows } = await db.query<ApiKeyInfo>(
    `select k.id, k.prefix, k.name, w.name as workspace, k.created_at as "createdAt", k.revoked_at as "revokedAt"
     from api_keys k join workspaces w on w.id = k.workspace_id
     where ($1::text is null or w.name = $1) order by k.created_at`,
    [workspaceName ?? null],
  );
  return rows;
}

/** Revokes by id or by the key's printed prefix; answers how many keys it revoked. */
export async function revokeApiKey(db: Queryable, idOrPrefix: string): Promise<number> {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
  const { rowCount } = await db.query(
    `update api_keys set revoked_at = now()
     where revoked_at is null and ${isUuid ? 'id = $1::uuid' : 'prefix = $1'}`,
    [idOrPrefix],
  );
  return rowCount ?? 0;
}

export async function countApiKeys(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from api_keys');
  return rows[0].n;
}
