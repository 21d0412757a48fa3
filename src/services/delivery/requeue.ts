// Redeliver one delivery, or recover every failed delivery of a webhook since a time: each goes
// back to pending, due now, with one more attempt allowed (and the same delivery id).
import type { Queryable } from '../../store/database.js';
import { ApiError, invalid } from '../../core/errors.js';
import { getDelivery, requeueDelivery, requeueFailedSince } from '../../store/deliveries/index.js';
import { webhookState } from '../../store/webhooks.js';

export async function redeliver(db: Queryable, workspaceId: string, id: string): Promise<{ id: string; status: 'pending' }> {
  const d = await getDelivery(db, workspaceId, id);
  if (!d) throw new ApiError('not_found', 'delivery not found');
  const hook = await webhookState(db, d.webhook_id);
  if (hook?.deleted) throw new ApiError('conflict', 'the webhook of this delivery was deleted');
  if (!hook?.enabled) throw new ApiError('conflict', 'the webhook is disabled; enable it first');
  if (!(await requeueDelivery(db, id))) throw new ApiError('conflict', 'this delivery is being sent right now; try again in a moment');
  return { id, status: 'pending' };
}

export async function recover(db: Queryable, webhookId: string, sinceRaw: unknown): Promise<{ recovered: number; since: string }> {
  if (typeof sinceRaw !== 'string' || Number.isNaN(Date.parse(sinceRaw))) {
    throw invalid('since', 'is required: an ISO 8601 time such as 2026-06-15T12:00:00Z');
  }
  const since = new Date(sinceRaw);
  if (!(await webhookState(db, webhookId))?.enabled) throw new ApiError('conflict', 'the webhook is disabled; enable it first');
  const recovered = await requeueFailedSince(db, webhookId, since);
  return { recovered, since: since.toISOString() };
}
