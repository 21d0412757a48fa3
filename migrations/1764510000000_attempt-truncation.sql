-- Up Migration
-- An attempt keeps the first 64 KiB of the body it sent and 16 KiB of the answer
-- (src/delivery/stored.ts); these say when it kept less than there was, so the request log can
-- tell a cut body from a short one. A constant default: no table rewrite.
alter table attempts
  add column request_body_truncated boolean not null default false,
  add column response_body_truncated boolean not null default false;

-- Down Migration
alter table attempts drop column request_body_truncated, drop column response_body_truncated;
