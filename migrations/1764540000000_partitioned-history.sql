-- Up Migration
-- History partitioned by time (FORJINN_RETENTION): events, deliveries and attempts become RANGE
-- partitions on part_at, so that removing old history is dropping a partition (store/retention.ts),
-- not deleting rows and vacuuming. created_at stays what the API shows; part_at is where a row
-- lives, and a prune moves a row that must be kept (a pending delivery, its event, its attempts)
-- forward by setting it to now. A DEFAULT partition catches any row no partition covers.
--
-- In place: the old tables are renamed, the new ones created with the same columns (LIKE, so a
-- column added before this migration comes along), the old rows copied into one partition from
-- the oldest row to now (part_at = created_at), the old tables dropped. It copies the tables:
-- minutes for millions of rows (docs/operations.md).
--
-- Unique keys of a partitioned table must contain the partition key: primary keys become
-- (id, part_at), and the idempotency key (workspace_id, external_id) moves to the narrow,
-- unpartitioned event_keys, written by the ingest statement. The foreign keys between history
-- tables (deliveries -> events, attempts -> deliveries) are gone; deliveries -> webhooks stays.

alter table attempts rename to attempts_old;
alter table deliveries rename to deliveries_old;
alter table events rename to events_old;
-- The old constraints and indexes go first: their names are the new tables' names.
alter table attempts_old drop constraint attempts_pkey, drop constraint attempts_delivery_id_fkey;
alter table deliveries_old drop constraint deliveries_pkey cascade;
alter table deliveries_old drop constraint deliveries_webhook_id_fkey, drop constraint deliveries_event_id_fkey;
alter table events_old drop constraint events_pkey cascade;
alter table events_old drop constraint events_workspace_id_external_id_key, drop constraint events_workspace_id_fkey;
drop index events_workspace_created_idx;
drop index deliveries_due_idx;
drop index deliveries_webhook_log_idx;
drop index deliveries_webhook_status_idx;
drop index deliveries_event_idx;
drop index attempts_delivery_idx;

create table events (
  like events_old including defaults,
  part_at timestamptz not null default now(),
  primary key (id, part_at),
  foreign key (workspace_id) references workspaces(id) on delete cascade
) partition by range (part_at);
create index events_workspace_created_idx on events (workspace_id, created_at desc);

create table deliveries (
  like deliveries_old including defaults,
  part_at timestamptz not null default now(),
  primary key (id, part_at),
  foreign key (webhook_id) references webhooks(id) on delete cascade
) partition by range (part_at);
create index deliveries_due_idx on deliveries (next_attempt_at) where status = 'pending';
create index deliveries_webhook_log_idx on deliveries (webhook_id, created_at desc, id desc);
create index deliveries_webhook_status_idx on deliveries (webhook_id, status, created_at desc);
create index deliveries_event_idx on deliveries (event_id);

-- The id sequence carries on above the old rows' ids: it is the same sequence, handed over.
alter table attempts_old alter column id drop default;
alter sequence attempts_id_seq owned by none;
create table attempts (
  like attempts_old including defaults,
  part_at timestamptz not null default now(),
  primary key (id, part_at)
) partition by range (part_at);
alter table attempts alter column id set default nextval('attempts_id_seq');
alter sequence attempts_id_seq owned by attempts.id;
-- An attempt's request body is null where it is the event's payload (1764530000000).
alter table attempts alter column request_body drop not null;
create index attempts_delivery_idx on attempts (delivery_id, attempt);

-- The idempotency key: one row per event id of a workspace for as long as the event is kept
-- (and at least the retention). event_id/part_at find the event's row in its partition.
create table event_keys (
  workspace_id uuid not null references workspaces(id) on delete cascade,
  external_id text not null,
  event_id uuid not null,
  part_at timestamptz not null,
  primary key (workspace_id, external_id)
);
create index event_keys_part_at_idx on event_keys (part_at);

-- The safety net: a row no range partition covers (none created ahead yet) still goes in.
create table events_default partition of events default;
create table deliveries_default partition of deliveries default with (fillfactor = 80);
create table attempts_default partition of attempts default;

-- The old rows: one partition per table from the oldest row's minute to the next minute after
-- now, then copied. The service creates the partitions after it (store/retention.ts).
do $$
declare
  lo timestamptz;
  hi timestamptz;
  stamp text;
begin
  select min(t) into lo from (
    select min(created_at) as t from events_old
    union all select min(created_at) from deliveries_old
    union all select min(created_at) from attempts_old
  ) m;
  if lo is null then
    return;
  end if;
  select greatest(now(), max(t)) into hi from (
    select max(created_at) as t from events_old
    union all select max(created_at) from deliveries_old
    union all select max(created_at) from attempts_old
  ) m;
  lo := date_trunc('minute', lo);
  hi := date_trunc('minute', hi) + interval '1 minute';
  stamp := to_char(lo at time zone 'UTC', 'YYYYMMDDHH24MI');
  execute format('create table events_p%s partition of events for values from (%L) to (%L)', stamp, lo, hi);
  execute format('create table deliveries_p%s partition of deliveries for values from (%L) to (%L) with (fillfactor = 80)', stamp, lo, hi);
  execute format('create table attempts_p%s partition of attempts for values from (%L) to (%L)', stamp, lo, hi);
end $$;

insert into events select o.*, o.created_at from events_old o;
insert into event_keys (workspace_id, external_id, event_id, part_at) select workspace_id, external_id, id, created_at from events_old;
insert into deliveries select o.*, o.created_at from deliveries_old o;
insert into attempts select o.*, o.created_at from attempts_old o;

drop table attempts_old;
drop table deliveries_old;
drop table events_old;

-- Down Migration
-- Not reversible in place: restore a backup taken before the upgrade.
