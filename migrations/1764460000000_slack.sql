-- Up Migration

-- A Slack team (T…, or an Enterprise Grid organisation E…) is linked to one Forjinn workspace:
-- its /forjinn commands act on that workspace's webhooks and nothing else.
create table slack_links (
  team_id text primary key,
  workspace_id uuid not null references workspaces(id) on delete cascade,
  -- Who linked it ('cli', 'api'): for the admin who wonders later where a link came from.
  linked_by text not null,
  created_at timestamptz not null default now()
);
create index slack_links_workspace_idx on slack_links (workspace_id);

-- A channel's subscriptions are webhooks whose origin names the channel; /forjinn subscriptions
-- and every subscribe look them up by it.
create index webhooks_origin_channel_idx on webhooks (workspace_id, (origin->>'channel'))
  where deleted_at is null and origin is not null;

-- Down Migration
drop index webhooks_origin_channel_idx;
drop table slack_links;
