-- Up Migration
-- A leased delivery is a handle: every lease gets its own attempt number, and a result that
-- arrives after its lease was taken over is fenced (it changes nothing on the delivery; its
-- attempt row is kept, marked late).
-- tries: the attempt numbers handed out to leases so far. A claim (or the ingest hand-off) takes
-- tries + 1 as its attempt's number, so two workers that each held the delivery once never store
-- two attempts with one number; `attempts` stays the highest number whose result was stored.
-- Both are catalog changes only (a constant default): no table rewrite.
-- A row from before this migration has tries 0: its next lease takes greatest(tries, attempts) + 1.
alter table deliveries add column tries integer not null default 0;
-- late: the attempt's result came after its lease had been taken over (or given up): it is in
-- the request log, as sent, but did not move the delivery on and did not count toward the
-- webhook's failure streak.
alter table attempts add column late boolean not null default false;

-- Down Migration
alter table attempts drop column late;
alter table deliveries drop column tries;
