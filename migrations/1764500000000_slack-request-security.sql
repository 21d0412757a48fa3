-- Up Migration

-- Signed Slack requests already let in. A signature covers the timestamp and the body, so a
-- second request with the same one is a replay and is refused. In the database, not in memory:
-- several api processes share one database, and a replay may reach any of them. A row is kept
-- until its timestamp is too old to be accepted anyway, then pruned.
create table slack_seen_requests (
  signature text primary key,
  expires_at timestamptz not null
);
create index slack_seen_requests_expires_idx on slack_seen_requests (expires_at);

-- One-time codes that link a Slack team to a workspace. Made with the workspace's API key (or by
-- the operator's CLI); `/forjinn link <code>` run in the Slack team uses one, and the signed
-- request's team_id is the proof of the team. Only the sha256 of a code is stored.
create table slack_link_codes (
  code_hash bytea primary key,
  workspace_id uuid not null references workspaces(id) on delete cascade,
  -- 'api' or 'cli': for the admin who wonders later where a link came from.
  created_by text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index slack_link_codes_workspace_idx on slack_link_codes (workspace_id, created_at);

-- Down Migration
drop table slack_link_codes;
drop table slack_seen_requests;
