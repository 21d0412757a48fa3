-- Up Migration
-- Each payload is stored once. An attempt whose request body is exactly its event's payload
-- (a generic webhook without a custom template) stores NULL here: the bytes sent are
-- events.payload of the delivery's event (deliveries.event_id), and readers take them from there.
-- A body that differs (a transformer's or a custom template's output) is stored as before, cut
-- past 64 KiB with request_body_truncated set. A NULL body is never cut: request_body_truncated
-- is false on it. Dropping NOT NULL is a catalog change only: no table rewrite.
alter table attempts alter column request_body drop not null;
comment on column attempts.request_body is
  'NULL: the body sent was exactly events.payload of the delivery''s event (stored once there). Otherwise the body sent, first 64 KiB (request_body_truncated says when cut).';

-- Down Migration
update attempts a set request_body = e.payload
  from deliveries d join events e on e.id = d.event_id
  where a.request_body is null and d.id = a.delivery_id;
alter table attempts alter column request_body set not null;
comment on column attempts.request_body is null;
