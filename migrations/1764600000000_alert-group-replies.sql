-- Up Migration

-- Grouped chat alerts resolved (issue 14, item 3): once a success of a group's chatflow or agent
-- has updated the group's message to resolved, a thread reply says so where the target has threads
-- and edits (Slack in bot mode). reply_id is the delivery that posts it (one per group).
alter table alert_groups add column reply_id uuid;

-- Down Migration
alter table alert_groups drop column reply_id;
