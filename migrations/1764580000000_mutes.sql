-- Up Migration

-- A mute: while `until` is ahead, events of `chatflow_id` are not sent to the webhooks it covers.
-- The ingest statement stores each such delivery as `muted` (final, never sent, visible in the
-- request log, out of the failure streak). It covers one webhook (webhook_id), or the Slack
-- subscriptions of one channel (slack_channel: the webhooks made by /forjinn subscribe there,
-- whose origin names the channel), never both. Kept after it ends, until deleted: the list shows
-- what was muted, and a muted delivery names its mute.
create table mutes (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  webhook_id uuid references webhooks(id) on delete cascade,
  slack_channel text,
  chatflow_id text not null,
  until timestamptz not null,
  -- Who muted it: a Slack user (`slack:U0123`) or the API (`api`).
  created_by text not null,
  created_at timestamptz not null default now(),
  constraint mutes_one_scope check ((webhook_id is null) <> (slack_channel is null))
);
-- The ingest statement looks up the live mutes of a workspace and chatflow.
create index mutes_lookup_idx on mutes (workspace_id, chatflow_id, until);

-- Down Migration
drop table mutes;
