-- Up Migration
-- A claim only sets locked_until/locked_by (no indexed column): free space on each page lets
-- PostgreSQL update those rows in place (HOT) instead of writing new index entries.
alter table deliveries set (fillfactor = 80);

-- Down Migration
alter table deliveries reset (fillfactor);
