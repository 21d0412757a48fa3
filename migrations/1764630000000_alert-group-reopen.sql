-- Up Migration

-- Grouped chat alerts re-opened (issue 14, item 2): a failure with the group key of a resolved
-- group, before the group has been quiet for its `group.close`, re-opens that group: the same
-- message is updated back to failing, its count going on, and where the target has threads and
-- edits (Slack in bot mode) a thread reply says it re-opened. reopened_at is when, reopened_after
-- how many events the group had then, reopen_reply_id the delivery that posts the reply (one per
-- re-open; a resolve clears it, as a re-open clears reply_id).
alter table alert_groups add column reopened_at timestamptz;
alter table alert_groups add column reopened_after integer;
alter table alert_groups add column reopen_reply_id uuid;
create index alert_groups_reopen_idx on alert_groups (webhook_id, group_key, resolved_at) where state = 'resolved';

-- Down Migration
drop index alert_groups_reopen_idx;
alter table alert_groups drop column reopen_reply_id;
alter table alert_groups drop column reopened_after;
alter table alert_groups drop column reopened_at;
