// API keys: `fjk_` + 32 random bytes (base64url), scoped to one workspace, stored as a sha256
// hash (the key has 256 random bits, so a fast hash is enough) and shown only when created.
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../store/database.js';
import { sha256 } from '../../core/crypto.js';
import { insertApiKey, workspaceOfKeyHash } from '../../store/api-keys.js';
import { ensureWorkspace, type Workspace } from '../../store/workspaces.js';

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
  const id = await insertApiKey(db, workspace.id, sha256(key), prefix, name);
  return { id, key, prefix, workspace };
}

/** The workspace of a key, or undefined. Concurrent requests share one lookup (never a cache). */
export async function authenticate(db: Queryable, key: string): Promise<Workspace | undefined> {
  if (!key.startsWith('fjk_') || key.length > 100) return undefined;
  return workspaceOfKeyHash(db, sha256(key).toString('hex'));
}
