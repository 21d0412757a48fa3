-- Up Migration

-- Grouped chat alerts (issue 14): events of one webhook that share a group key are gathered into
-- one message, kept here and not in memory, so a restart loses nothing and keeps editing the same
-- message. A group is open until it has been quiet for its webhook's `group.close` (or a success
-- of its chatflow or agent resolves it); at most one open group per webhook and key.
--
-- Each message of a group is sent by a delivery, the group's carrier (carrier_id/carrier_part_at):
-- the first event's delivery held back until next_send_at (`group.wait` after the first event,
-- then at most every `group.interval`). Deliveries of events that arrive while a carrier waits are
-- stored as `grouped` (final, in the request log, naming the carrier), and the carrier's message
-- counts them. A carrier is retried like any delivery.
create table alert_groups (
  id uuid primary key default gen_random_uuid(),
  webhook_id uuid not null references webhooks(id) on delete cascade,
  group_key text not null,
  -- open, resolved (a success after its errors), closed (quiet for group.close)
  state text not null default 'open',
  -- Events in the group, and how many the last message sent counted.
  event_count integer not null default 0,
  sent_count integer not null default 0,
  first_event_at timestamptz not null default now(),
  last_event_at timestamptz not null default now(),
  -- The latest event's id and JSON: what the message shows.
  latest_event_id uuid,
  latest_payload text,
  -- What a success resolves: the events' chatflow and agent.
  chatflow_id text,
  agent_id text,
  -- The delivery that sends the next message, while one waits.
  carrier_id uuid,
  carrier_part_at timestamptz,
  next_send_at timestamptz,
  last_sent_at timestamptz,
  -- The posted message, where the target can edit it (Slack's ts, Discord's message id).
  message_id text,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index alert_groups_open_idx on alert_groups (webhook_id, group_key) where state = 'open';
create index alert_groups_resolve_idx on alert_groups (webhook_id, chatflow_id) where state = 'open';

-- The group a delivery's event joined (its carrier's or its own message): null for ungrouped ones.
alter table deliveries add column group_id uuid;

-- Down Migration
alter table deliveries drop column group_id;
drop table alert_groups;
