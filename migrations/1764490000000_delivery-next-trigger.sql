-- Up Migration
-- What queued the next attempt ('redeliver' after a redeliver or recover), so the request log
-- can tell a manual resend from an automatic retry. Cleared when that attempt is stored.
alter table deliveries add column next_trigger text;

-- Down Migration
alter table deliveries drop column next_trigger;
