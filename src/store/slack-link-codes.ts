// The slack_link_codes table: one-time codes that link a Slack team to a workspace, stored as
// their sha256 (services/slack-links/link-codes.ts makes, hashes and redeems them).
import type { Queryable } from './database.js';
import type { Workspace } from './workspaces.js';

/** The row type of slack_link_codes, as written (created_at is the database's). */
export interface SlackLinkCode {
  codeHash: Buffer;
  workspaceId: string;
  /** Where the code was made: for the admin who wonders later where a link came from. */
  createdBy: 'api' | 'cli';
}

/**
 * Stores a code valid for `ttlS` seconds; answers its expiry. The same statement drops expired
 * codes and all but the newest `liveMax - 1` of the workspace's live ones, so it keeps `liveMax`.
 */
export async function insertLinkCode(db: Queryable, code: SlackLinkCode, liveMax: number, ttlS: number): Promise<Date> {
  const { rows } = await db.query<{ expires_at: Date }>(
    `with pruned as (
       delete from slack_link_codes
       where expires_at <= now()
          or (workspace_id = $2 and code_hash not in (
                select code_hash from slack_link_codes where workspace_id = $2 and expires_at > now()
                order by created_at desc, code_hash limit $4::int - 1))
     )
     insert into slack_link_codes (code_hash, workspace_id, created_by, expires_at)
     values ($1, $2, $3, now() + make_interval(secs => $5))
     returning expires_at`,
    [code.codeHash, code.workspaceId, code.createdBy, liveMax, ttlS],
  );
  return rows[0].expires_at;
}

/** The workspace of a live code, its row locked until the transaction ends (a code is used once). */
export async function lockLinkCode(tx: Queryable, codeHash: Buffer): Promise<Workspace | undefined> {
  const { rows } = await tx.query<Workspace>(
    `select w.id, w.name from slack_link_codes lc join workspaces w on w.id = lc.workspace_id
     where lc.code_hash = $1 and lc.expires_at > now() for update of lc`,
    [codeHash],
  );
  return rows[0];
}

export async function deleteLinkCode(tx: Queryable, codeHash: Buffer): Promise<void> {
  await tx.query('delete from slack_link_codes where code_hash = $1', [codeHash]);
}
