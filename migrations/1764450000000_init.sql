-- Up Migration

create table workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  created_at timestamptz not null default now()
);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  -- sha256 of the key: keys are 256 random bits (32 random bytes), so a plain hash cannot be brute-forced.
  key_hash bytea not null unique,
  prefix text not null,
  name text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table webhooks (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  -- URLs of chat targets carry credentials: all URLs are encrypted, url_masked is what lists show.
  url_enc text not null,
  url_masked text not null,
  secret_enc text,
  previous_secret_enc text,
  previous_secret_expires_at timestamptz,
  events text[] not null,
  enabled boolean not null default true,
  description text,
  transformer text not null default 'generic',
  transformer_config_enc text,
  template text,
  filters jsonb not null default '{}',
  headers_enc text,
  max_attempts integer,
  failure_streak integer not null default 0,
  disabled_reason text,
  disabled_at timestamptz,
  origin jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index webhooks_workspace_idx on webhooks (workspace_id, created_at) where deleted_at is null;

create table events (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  external_id text not null,
  event_type text not null,
  -- The JSON exactly as delivered (producer's key order kept, workspace filled in).
  payload text not null,
  is_test boolean not null default false,
  deliveries_count integer not null default 0,
  created_at timestamptz not null default now(),
  unique (workspace_id, external_id)
);
create index events_workspace_created_idx on events (workspace_id, created_at desc);

create table deliveries (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  webhook_id uuid not null references webhooks(id) on delete cascade,
  event_id uuid not null references events(id) on delete cascade,
  event_type text not null,
  -- pending: waiting for its next attempt (or in flight under a lease); succeeded, failed,
  -- cancelled: final until a redeliver or recover puts it back to pending.
  status text not null default 'pending',
  attempts integer not null default 0,
  -- The attempt number after which a failure is final; redeliver and recover raise it.
  attempt_limit integer not null,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  locked_by text,
  last_status_code integer,
  last_error text,
  last_duration_ms integer,
  last_attempt_at timestamptz,
  created_at timestamptz not null default now(),
  completed_at timestamptz
);
-- The claim query: due pending rows in time order. Partial, so finished rows cost it nothing.
create index deliveries_due_idx on deliveries (next_attempt_at) where status = 'pending';
-- The request log: one webhook's deliveries newest first, optionally by status.
create index deliveries_webhook_log_idx on deliveries (webhook_id, created_at desc, id desc);
create index deliveries_webhook_status_idx on deliveries (webhook_id, status, created_at desc);
create index deliveries_event_idx on deliveries (event_id);

create table attempts (
  id bigserial primary key,
  delivery_id uuid not null references deliveries(id) on delete cascade,
  attempt integer not null,
  trigger text not null default 'auto',
  outcome text not null,
  request_url text not null,
  request_headers jsonb not null,
  request_body text not null,
  response_status integer,
  response_headers jsonb,
  response_body text,
  duration_ms integer not null,
  error text,
  created_at timestamptz not null default now()
);
create index attempts_delivery_idx on attempts (delivery_id, attempt);

-- Down Migration
drop table attempts;
drop table deliveries;
drop table events;
drop table webhooks;
drop table api_keys;
drop table workspaces;
