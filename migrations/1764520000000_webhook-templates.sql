-- Up Migration
-- A webhook's template may be one per event type: `templates` holds that map as
-- {"<event_type>": "<template>"} (the built-in default renders the types it leaves out), and
-- `template` stays the one template for every type. At most one of the two is set. No default:
-- no table rewrite.
alter table webhooks add column templates jsonb;

-- Down Migration
alter table webhooks drop column templates;
