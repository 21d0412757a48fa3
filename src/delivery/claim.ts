// The queue is the deliveries table. A claim takes due rows with `for update skip locked` and
// leases them with locked_until: a worker that dies simply lets the lease run out and the rows
// become claimable again for any other worker. The lease touches no indexed column, so the
// claim's update can stay on its page (HOT) instead of rewriting the due index.
import type { Queryable } from '../db/database.js';

export interface ClaimedRow {
  id: string;
  webhook_id: string;
  attempts: number;
  attempt_limit: number;
  next_trigger: string | null;
  event_type: string;
  payload: string;
  webhook_updated_at: Date;
  webhook_enabled: boolean;
  webhook_deleted: boolean;
}

const CLAIM_SQL = `
with due as (
  select id from deliveries
  where status = 'pending' and next_attempt_at <= now() and (locked_until is null or locked_until < now())
    and not (webhook_id = any($3::uuid[]))
  order by next_attempt_at
  limit $1
  for update skip locked
)
update deliveries d
set locked_until = now() + make_interval(secs => $2::float8 / 1000),
    locked_by = $4
from due, events e, webhooks w
where d.id = due.id and e.id = d.event_id and w.id = d.webhook_id
returning d.id, d.webhook_id, d.attempts, d.attempt_limit, d.next_trigger, d.event_type, e.payload,
  w.updated_at as webhook_updated_at, w.enabled as webhook_enabled, (w.deleted_at is not null) as webhook_deleted`;

export async function claimDue(db: Queryable, limit: number, leaseMs: number, skipWebhooks: string[], workerId: string): Promise<ClaimedRow[]> {
  // Not a named prepared statement: PostgreSQL's generic plan for it (LIMIT and the skip list
  // unknown) estimates one row, and on a 1M-row queue that plan is a seq scan and a sort, 327 ms
  // against 7 ms for the planned-each-time index scan (EXPLAIN in docs/performance.md).
  const { rows } = await db.query<ClaimedRow>(CLAIM_SQL, [limit, leaseMs, skipWebhooks, workerId]);
  return rows;
}

/** Gives leased rows back (at shutdown) so another worker takes them at once. */
export async function releaseLeases(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `update deliveries set locked_until = null, locked_by = null where id = any($1::uuid[]) and status = 'pending'`,
    [ids],
  );
}

/** Deliveries of a webhook that was disabled or deleted after they were queued. */
export async function closeUndeliverable(db: Queryable, rows: ClaimedRow[]): Promise<void> {
  const deleted = rows.filter((r) => r.webhook_deleted).map((r) => r.id);
  const disabled = rows.filter((r) => !r.webhook_deleted && !r.webhook_enabled).map((r) => r.id);
  if (deleted.length) {
    await db.query(
      `update deliveries set status = 'cancelled', completed_at = now(), locked_until = null, last_error = 'webhook deleted' where id = any($1::uuid[])`,
      [deleted],
    );
  }
  if (disabled.length) {
    await db.query(
      `update deliveries set status = 'failed', completed_at = now(), locked_until = null, last_error = 'webhook disabled' where id = any($1::uuid[])`,
      [disabled],
    );
  }
}
