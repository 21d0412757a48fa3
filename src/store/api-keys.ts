// API keys: `fjk_` + 32 random bytes (base64url), scoped to one workspace, stored as a sha256
// hash (the key has 256 random bits, so a fast hash is enough) and shown only when created.
// Lookup by the hash's unique index means no secret is ever compared byte by byte in JS.
import { randomBytes } from 'node:crypto';
import type { Queryable } from './database.js';
import { sha256 } from '../core/crypto.js';
import { createLoader } from '../core/loader.js';

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

export interface CreatedKey {
  id: string;
  key: string;
  prefix: string;
  workspace: Workspace;
}

export async function createApiKey(db: Queryable, workspaceName: string, name?: string): Promise<CreatedKey> {
  const workspace = await ensureWorkspace(db, workspaceName);
  const key = `fjk_${randomBytes(32).toString('base64url')}`;
  const prefix = key.slice(0, 12);
  const { rows } = await db.query<{ id: string }>(
    'insert into api_keys (workspace_id, key_hash, prefix, name) values ($1, $2, $3, $4) returning id',
    [workspace.id, sha256(key), prefix, name ?? null],
  );
  return { id: rows[0].id, key, prefix, workspace };
}

const loaders = new WeakMap<Queryable, (hash: string) => Promise<Workspace | undefined>>();

/** The workspace of a key, or undefined. Concurrent requests share one lookup (never a cache). */
export async function authenticate(db: Queryable, key: string): Promise<Workspace | undefined> {
  if (!key.startsWith('fjk_') || key.length > 100) return undefined;
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
  return load(sha256(key).toString('hex'));
}

export interface ApiKeyInfo {
  id: string;
  prefix: string;
  name: string | null;
  workspace: string;
  createdAt: Date;
  revokedAt: Date | null;
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
