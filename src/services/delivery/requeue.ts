// Redeliver one delivery, or recover every failed delivery of a webhook since a time: each goes
// back to pending, due now, with one more attempt allowed (and the same delivery id).
import type { Queryable } from '../../store/database.js';
import { ApiError, invalid } from '../../core/errors.js';
import { getDelivery } from './log-queries.js';

export async function redeliver(db: Queryable, workspaceId: string, id: string): Promise<{ id: string; status: 'pending' }> {
  const d = await getDelivery(db, workspaceId, id);
  if (!d) throw new ApiError('not_found', 'delivery not found');
  const { rows } = await db.query<{ enabled: boolean; deleted: boolean }>(
    'select enabled, deleted_at is not null as deleted from webhooks where id = $1',
    [d.webhook_id],
  );
  if (rows[0]?.deleted) throw new ApiError('conflict', 'the webhook of this delivery was deleted');
  if (!rows[0]?.enabled) throw new ApiError('conflict', 'the webhook is disabled; enable it first');
  const { rowCount } = await db.query(
    `update deliveries set status = 'pending', next_attempt_at = now(), next_trigger = 'redeliver', attempt_limit = greatest(attempt_limit, attempts + 1), completed_at = null
     where id = $1 and (status <> 'pending' or locked_until is null or locked_until < now())`,
    [id],
  );
  if (!rowCount) throw new ApiError('conflict', 'this delivery is being sent right now; try again in a moment');
  return { id, status: 'pending' };
}

export async function recover(db: Queryable, webhookId: string, sinceRaw: unknown): Promise<{ recovered: number; since: string }> {
  if (typeof sinceRaw !== 'string' || Number.isNaN(Date.parse(sinceRaw))) {
    throw invalid('since', 'is required: an ISO 8601 time such as 2026-06-15T12:00:00Z');
  }
  const since = new Date(sinceRaw);
  const { rows } = await db.query<{ enabled: boolean }>('select enabled from webhooks where id = $1', [webhookId]);
  if (!rows[0]?.enabled) throw new ApiError('conflict', 'the webhook is disabled; enable it first');
  const { rowCount } = await db.query(
    `update deliveries set status = 'pending', next_attempt_at = now(), next_trigger = 'redeliver', attempt_limit = greatest(attempt_limit, attempts + 1), completed_at = null
     where webhook_id = $1 and status = 'failed' and created_at >= $2`,
    [webhookId, since],
  );
  return { recovered: rowCount ?? 0, since: since.toISOString() };
}
