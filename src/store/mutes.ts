// The mutes table: while a mute's `until` is ahead, the ingest statement (deliveries/status.ts)
// stores the deliveries of its chatflow to the webhooks it covers as `muted`. It covers one
// webhook, or the Slack subscriptions of one channel (webhooks whose origin is a subscription of
// that channel); services/mutes/ decides who may make one and checks it.
import type { Queryable } from './database.js';

export interface MuteRow {
  id: string;
  workspace_id: string;
  webhook_id: string | null;
  slack_channel: string | null;
  chatflow_id: string;
  until: Date;
  created_by: string;
  created_at: Date;
}

export type NewMute = Pick<MuteRow, 'workspace_id' | 'webhook_id' | 'slack_channel' | 'chatflow_id' | 'created_by'> & { forMs: number } & { until?: Date };

const COLUMNS = 'id, workspace_id, webhook_id, slack_channel, chatflow_id, until, created_by, created_at';

/**
 * Stores a mute until `until`, or for `forMs` from the database's now (one clock for the mute and
 * the ingest statement that reads it). A live mute of the same scope and chatflow is replaced:
 * muting again sets a new end, it does not stack.
 */
export async function insertMute(db: Queryable, m: NewMute): Promise<MuteRow> {
  const { rows } = await db.query<MuteRow>(
    `with gone as (
       delete from mutes where workspace_id = $1 and chatflow_id = $4 and until > now()
         and webhook_id is not distinct from $2::uuid and slack_channel is not distinct from $3::text
     )
     insert into mutes (workspace_id, webhook_id, slack_channel, chatflow_id, until, created_by)
     values ($1, $2, $3, $4, coalesce($7::timestamptz, now() + make_interval(secs => $5::float8 / 1000)), $6)
     returning ${COLUMNS}`,
    [m.workspace_id, m.webhook_id, m.slack_channel, m.chatflow_id, m.forMs, m.created_by, m.until ?? null],
  );
  return rows[0];
}

/** A workspace's mutes, newest first: live ones only unless `all`; of one channel or chatflow when given. */
export async function listMutes(
  db: Queryable,
  workspaceId: string,
  opts: { all?: boolean; slackChannel?: string; chatflowId?: string } = {},
): Promise<MuteRow[]> {
  const { rows } = await db.query<MuteRow>(
    `select ${COLUMNS} from mutes
     where workspace_id = $1 and ($2 or until > now())
       and ($3::text is null or slack_channel = $3) and ($4::text is null or chatflow_id = $4)
     order by created_at desc, id limit 500`,
    [workspaceId, opts.all ?? false, opts.slackChannel ?? null, opts.chatflowId ?? null],
  );
  return rows;
}

/** Removes one mute of the workspace; answers whether there was one. */
export async function deleteMute(db: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('delete from mutes where workspace_id = $1 and id = $2', [workspaceId, id]);
  return Boolean(rowCount);
}

// A channel's mutes, as Slack shows and ends them: those of its subscriptions (slack_channel),
// and those of webhooks made from it (an alert's button mutes the webhook it is about, and the
// alert goes to the channel the webhook was made in).
const OF_CHANNEL = `m.workspace_id = $1 and m.until > now()
  and (m.slack_channel = $2 or m.webhook_id in (
    select w.id from webhooks w where w.workspace_id = $1 and w.origin->>'source' = 'slack' and w.origin->>'channel' = $2))`;

/** The live mutes of a Slack channel (OF_CHANNEL), soonest end first. */
export async function liveMutesOfChannel(db: Queryable, workspaceId: string, channel: string): Promise<MuteRow[]> {
  const { rows } = await db.query<MuteRow>(`select ${COLUMNS} from mutes m where ${OF_CHANNEL} order by until, id`, [workspaceId, channel]);
  return rows;
}

/** Ends (removes) the live mutes of a chatflow in a Slack channel (OF_CHANNEL); answers them. */
export async function endMutesOfChannel(db: Queryable, workspaceId: string, channel: string, chatflowId: string): Promise<MuteRow[]> {
  const { rows } = await db.query<MuteRow>(`delete from mutes m where ${OF_CHANNEL} and m.chatflow_id = $3 returning ${COLUMNS}`, [workspaceId, channel, chatflowId]);
  return rows;
}
