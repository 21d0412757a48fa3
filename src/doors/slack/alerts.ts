// Alerts for webhooks made from Slack: when a delivery fails for good, or the service disables
// the webhook, the channel it was made in gets a message with the reason and the buttons
// Redeliver / Re-enable / View log, and Mute this chatflow 1h when the event has a chatflow. Driven by the bus events of the process running the worker.
import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { BusEvents } from '../../core/bus.js';
import type { AppContext } from '../../core/context.js';
import { getDelivery } from '../../store/deliveries/index.js';
import { getWebhookById, openRow, type Webhook } from '../../store/webhooks.js';
import { shownUrl } from '../../core/shown-url.js';
import { isSigned } from '../../services/transformers/index.js';
// The Mute button is also on a bot-mode Slack webhook's messages: it is made below the door.
import { ALERT_ACTIONS_BLOCK, muteButton, MUTE_ACTION } from '../../services/transformers/slack/mute-button.js';
import { escapeSlack, kindLabel, note, section } from './messages.js';
import { slackOrigin, type SlackOrigin } from './queries.js';
import type { Tasks } from './tasks.js';

export const ACTION = { redeliver: 'forjinn_redeliver', reenable: 'forjinn_reenable', viewLog: 'forjinn_view_log', mute: MUTE_ACTION } as const;

/** The chatflow of an event's payload, when it has one. */
function chatflowOf(payload: string | undefined): string | undefined {
  try {
    const id = (JSON.parse(payload ?? '') as { chatflowId?: unknown }).chatflowId;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}
export const ACTIONS_BLOCK = ALERT_ACTIONS_BLOCK;
export const OUTCOME_BLOCK = 'forjinn_alert_outcome';

// A receiver that is down fails every delivery; one message per webhook in this window says
// so, and the next one counts the failures in between, instead of one message per event.
const QUIET_MS = 10 * 60_000;

/** The service sends one; the posting part is all a test or another caller needs. */
export type PostMessage = (args: { channel: string; text: string; blocks: KnownBlock[] }) => Promise<unknown>;

export function viewLogButton(publicUrl: string | undefined, webhookId: string): Button {
  const base = publicUrl?.replace(/\/+$/, '');
  return {
    type: 'button',
    action_id: ACTION.viewLog,
    text: { type: 'plain_text', text: 'View log' },
    value: webhookId,
    // The settings page's request log of this webhook (the page routes #/webhooks/<id>/log).
    ...(base ? { url: `${base}/#/webhooks/${encodeURIComponent(webhookId)}/log` } : {}),
  };
}

const button = (action_id: string, text: string, value: string, style?: 'primary' | 'danger'): Button => ({
  type: 'button',
  action_id,
  text: { type: 'plain_text', text },
  value,
  ...(style ? { style } : {}),
});

const target = (w: Webhook) => `\`${w.id}\` ${escapeSlack(shownUrl(w, isSigned(w.transformer), 'channel'))}${kindLabel(w.transformer)}`;

export class Alerts {
  private quiet = new Map<string, { until: number; suppressed: number }>();

  constructor(
    private ctx: AppContext,
    private post: PostMessage,
    private tasks: Tasks,
    private now: () => number = Date.now,
  ) {}

  start(): void {
    this.ctx.bus.on('delivery.failed', this.onFailed);
    this.ctx.bus.on('webhook.disabled', this.onDisabled);
  }

  stop(): void {
    this.ctx.bus.off('delivery.failed', this.onFailed);
    this.ctx.bus.off('webhook.disabled', this.onDisabled);
  }

  private onFailed = (e: BusEvents['delivery.failed'][0]) => this.tasks.add(this.guard(() => this.failed(e)));
  private onDisabled = (e: BusEvents['webhook.disabled'][0]) => this.tasks.add(this.guard(() => this.disabled(e)));

  private async guard(fn: () => Promise<void>) {
    try {
      await fn();
    } catch (err) {
      // Best effort by design (the request log has the truth); the Web API error code is enough.
      this.ctx.log.warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'slack alert not posted');
    }
  }

  private async load(webhookId: string): Promise<{ webhook: Webhook; origin: SlackOrigin } | undefined> {
    const row = await getWebhookById(this.ctx.db.pool, webhookId);
    const origin = slackOrigin(row?.origin);
    if (!row || !origin) return undefined;
    return { webhook: openRow(row, this.ctx.cipher), origin };
  }

  private async failed(e: BusEvents['delivery.failed'][0]) {
    const found = await this.load(e.webhookId);
    // A disabled webhook gets the "disabled" alert, which says more than its last failure.
    if (!found || !found.webhook.enabled) return;
    const { webhook, origin } = found;
    const q = this.quiet.get(webhook.id);
    if (q && q.until > this.now()) {
      q.suppressed++;
      return;
    }
    for (const [id, entry] of this.quiet) if (entry.until <= this.now()) this.quiet.delete(id);
    this.quiet.set(webhook.id, { until: this.now() + QUIET_MS, suppressed: 0 });
    const d = await getDelivery(this.ctx.db.pool, webhook.workspaceId, e.deliveryId);
    const reason = e.reason ?? d?.last_error ?? 'unknown';
    const lines = [
      ':rotating_light: *A delivery failed for good*',
      `*webhook* ${target(webhook)}`,
      `*event* ${d?.event_type ?? '?'} · delivery \`${e.deliveryId}\` · ${e.attempt} attempt${e.attempt === 1 ? '' : 's'}`,
      `*reason* ${escapeSlack(reason)}`,
    ];
    const suppressed = q?.suppressed ? ` · ${q.suppressed} more failed since the last alert` : '';
    const actions: ActionsBlock = {
      type: 'actions',
      block_id: ACTIONS_BLOCK,
      elements: [button(ACTION.redeliver, 'Redeliver', e.deliveryId, 'primary'), viewLogButton(this.ctx.config.FORJINN_PUBLIC_URL, webhook.id)],
    };
    // A chat or incident target's alert about an event of a chatflow can quiet that chatflow
    // (services/mutes: a signed webhook is not muted; its receiver should get every event).
    const chatflow = chatflowOf(d?.payload);
    const mute = chatflow && !isSigned(webhook.transformer) ? muteButton(webhook.id, chatflow) : undefined;
    if (mute) actions.elements.push(mute);
    await this.post({
      channel: origin.channel,
      text: `Delivery to webhook ${webhook.id.slice(0, 8)} failed: ${reason}`,
      blocks: [section(lines.join('\n')), note(`${this.madeBy(origin)}${suppressed}`), actions],
    });
  }

  private async disabled(e: BusEvents['webhook.disabled'][0]) {
    const found = await this.load(e.webhookId);
    if (!found) return;
    const { webhook, origin } = found;
    const lines = [
      ':no_entry: *Webhook disabled*',
      `*webhook* ${target(webhook)}`,
      `*reason* ${escapeSlack(e.reason)}`,
      'New events are not delivered to it until it is re-enabled.',
    ];
    const actions: ActionsBlock = {
      type: 'actions',
      block_id: ACTIONS_BLOCK,
      elements: [button(ACTION.reenable, 'Re-enable', webhook.id, 'primary'), viewLogButton(this.ctx.config.FORJINN_PUBLIC_URL, webhook.id)],
    };
    await this.post({
      channel: origin.channel,
      text: `Webhook ${webhook.id.slice(0, 8)} was disabled: ${e.reason}`,
      blocks: [section(lines.join('\n')), note(this.madeBy(origin)), actions],
    });
  }

  private madeBy(origin: SlackOrigin): string {
    return `${origin.kind === 'subscription' ? 'Subscribed' : 'Added'} from Slack by <@${origin.user}>`;
  }
}
