// The reads only the Slack app needs: the last delivery of each webhook (for lists), a
// channel's subscriptions, and where a Slack-made webhook came from (for alerts).
import type { Queryable } from '../../store/database.js';
import type { Filters } from '../../services/webhooks/schema.js';
import type { LastDelivery } from './messages.js';

/** Stored in a webhook's `origin` when it is made from Slack; alerts go back to `channel`.
 *  A type, not an interface, so that it is a Record<string, unknown> for createWebhook. */
export type SlackOrigin = {
  source: 'slack';
  kind: 'webhook' | 'subscription';
  team: string;
  channel: string;
  channelName?: string;
  user: string;
};

export function slackOrigin(origin: Record<string, unknown> | null | undefined): SlackOrigin | undefined {
  if (!origin || origin.source !== 'slack' || typeof origin.channel !== 'string' || typeof origin.team !== 'string') return undefined;
  return origin as unknown as SlackOrigin;
}

export async function lastDeliveries(db: Queryable, webhookIds: string[]): Promise<Map<string, LastDelivery>> {
  if (webhookIds.length === 0) return new Map();
  const { rows } = await db.query<{ webhook_id: string; status: string; code: number | null; at: Date | null }>(
    `select distinct on (webhook_id) webhook_id, status, last_status_code as code, coalesce(last_attempt_at, created_at) as at
     from deliveries where webhook_id = any($1::uuid[])
     order by webhook_id, created_at desc, id desc`,
    [webhookIds],
  );
  return new Map(rows.map((r) => [r.webhook_id, { status: r.status, code: r.code, at: r.at }]));
}

export interface Subscription {
  id: string;
  events: string[];
  filters: Filters;
  enabled: boolean;
  disabledReason: string | null;
  user: string | null;
}

/** The subscriptions made with /forjinn subscribe in one channel of one workspace, oldest first. */
export async function channelSubscriptions(db: Queryable, workspaceId: string, channel: string): Promise<Subscription[]> {
  const { rows } = await db.query<{ id: string; events: string[]; filters: Filters; enabled: boolean; disabled_reason: string | null; user: string | null }>(
    `select id, events, filters, enabled, disabled_reason, origin->>'user' as user
     from webhooks
     where workspace_id = $1 and (origin->>'channel') = $2 and deleted_at is null and origin is not null
       and origin->>'source' = 'slack' and origin->>'kind' = 'subscription'
     order by created_at, id`,
    [workspaceId, channel],
  );
  return rows.map((r) => ({ id: r.id, events: r.events, filters: r.filters ?? {}, enabled: r.enabled, disabledReason: r.disabled_reason, user: r.user }));
}
