// The reads only the Slack app needs: the last delivery of each webhook (for lists), a
// channel's subscriptions, and where a Slack-made webhook came from (for alerts).
import type { Queryable } from '../../store/database.js';
import { newestPerWebhook } from '../../store/deliveries/index.js';
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
  const rows = await newestPerWebhook(db, webhookIds);
  return new Map(rows.map((r) => [r.webhook_id, { status: r.status, code: r.code, at: r.at }]));
}

// A channel's subscriptions are webhooks whose origin names it: their read is the webhooks table's.
export { channelSubscriptions, type Subscription } from '../../store/webhooks.js';
