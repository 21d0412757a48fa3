-- Up Migration

-- One trace from platform to receiver (issue 29, item 3): the W3C traceparent (normalised to
-- version 00) and tracestate sent with POST /v1/events, written by the ingest statement, read by
-- each attempt, which sends generic receivers a child span of it (src/core/trace.ts). Null: the
-- event came without a valid traceparent.
alter table events add column trace_parent text, add column trace_state text;

-- Down Migration
alter table events drop column trace_parent, drop column trace_state;
