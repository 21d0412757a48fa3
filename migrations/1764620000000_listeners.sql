-- Up Migration

-- `listen` (issue 29, item 1): a listener is a webhook of its workspace whose deliveries go to a
-- CLI's stream (GET /v1/listeners/:id/stream), never to a worker. listener_until: set on a
-- listener only; renewed while a stream is open, and once it has passed the listener is removed
-- and its queued deliveries cancelled (FORJINN_LISTENER_TIMEOUT after its last stream ended).
-- deliveries.listener: written by the ingest statement from its webhook; claims by workers skip
-- these rows, the listener's stream claims them by webhook (the index below).
alter table webhooks add column listener_until timestamptz;
alter table deliveries add column listener boolean not null default false;
create index deliveries_listener_due_idx on deliveries (webhook_id, next_attempt_at) where status = 'pending' and listener;

-- Down Migration
drop index deliveries_listener_due_idx;
alter table deliveries drop column listener;
alter table webhooks drop column listener_until;
