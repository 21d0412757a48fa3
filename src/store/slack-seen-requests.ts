// The slack_seen_requests table: the signatures of Slack requests already run, kept until their
// window is over, shared by every api process (doors/slack/request-guard.ts refuses replays).
import type { Queryable } from './database.js';

/**
 * Records a signature kept until `expiresAtS` (seconds since 1970); true only for the first
 * request that carries it. One statement: the insert decides "first" atomically across
 * processes (two copies sent at once get one row), and rows expired by `nowS` go in the same
 * trip. Slack requests come at the pace people type commands, so the prune touches a handful.
 */
export async function insertSeenRequest(db: Queryable, signature: string, expiresAtS: number, nowS: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `with pruned as (delete from slack_seen_requests where expires_at < to_timestamp($3))
     insert into slack_seen_requests (signature, expires_at) values ($1, to_timestamp($2))
     on conflict (signature) do nothing`,
    [signature, expiresAtS, nowS],
  );
  return rowCount === 1;
}
