// The alert buttons: Redeliver, Re-enable and Mute this chatflow 1h act through the same services as the REST API,
// then the alert is updated with who did what and how it went; View log without a public
// URL answers with the last deliveries. Every click is checked like a command (linked team,
// admin), and a webhook of another workspace is not found.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { listDeliveries } from '../../services/delivery/log-queries.js';
import { redeliver } from '../../services/delivery/requeue.js';
import { ApiError } from '../../core/errors.js';
import { loadWebhook, updateWebhook } from '../../services/webhooks/service.js';
import { ADMIN_ONLY, errorReply, isAdmin, type SlackDeps } from './commands.js';
import { ACTION, ACTIONS_BLOCK, OUTCOME_BLOCK } from './alerts.js';
import { BUTTON_MUTE } from '../../services/transformers/slack/mute-button.js';
import { mute } from '../../services/mutes/service.js';
import { isUuid } from '../../store/webhooks.js';
import { slackTime } from './mute-commands.js';
import { findLink } from '../../services/slack-links/links.js';
import { escapeSlack, list, notLinkedText, say, warn } from './messages.js';

type Click = BlockAction<ButtonAction>;

interface Done {
  ok: boolean;
  text: string;
}

/** The alert with the outcome under it; a button that worked is taken away, a failed one stays. */
export function updatedBlocks(original: KnownBlock[], clicked: string, outcome: Done): KnownBlock[] {
  const kept = original.filter((b) => b.block_id !== OUTCOME_BLOCK);
  const out: KnownBlock[] = [];
  for (const b of kept) {
    if (b.type === 'actions' && b.block_id === ACTIONS_BLOCK) {
      const elements = outcome.ok ? b.elements.filter((e) => !('action_id' in e) || e.action_id !== clicked) : b.elements;
      out.push({ type: 'context', block_id: OUTCOME_BLOCK, elements: [{ type: 'mrkdwn', text: outcome.text }] });
      if (elements.length) out.push({ ...b, elements });
    } else out.push(b);
  }
  return out;
}

export function registerActions(app: App, deps: SlackDeps, token: string): void {
  const { ctx } = deps;

  /** Runs a button's work after the ack, then updates the alert in place with the outcome. */
  const onClick = (id: string, work: (workspaceId: string, value: string, user: string) => Promise<string>) =>
    app.action<Click>(id, async ({ ack, body, respond, client }) => {
      await ack();
      deps.tasks.add(
        (async () => {
          const user = body.user.id;
          const link = body.team ? await findLink(ctx.db.pool, body.team.id) : undefined;
          if (!link) return respond({ response_type: 'ephemeral', replace_original: false, ...warn(notLinkedText(body.team?.id ?? '?')) });
          if (!isAdmin(deps, user)) return respond({ response_type: 'ephemeral', replace_original: false, ...warn(ADMIN_ONLY) });
          let done: Done;
          try {
            done = { ok: true, text: await work(link.workspace.id, body.actions[0].value ?? '', user) };
          } catch (e) {
            const shown = e instanceof ApiError ? e.message : errorReply(deps, e).text;
            done = { ok: false, text: `:warning: <@${user}> tried, but: ${escapeSlack(shown)}` };
          }
          if (!body.channel || !body.message) return respond({ response_type: 'ephemeral', replace_original: false, text: done.text });
          await client.chat.update({
            token,
            channel: body.channel.id,
            ts: body.message.ts,
            text: body.message.text ?? 'Forjinn alert',
            blocks: updatedBlocks((body.message.blocks ?? []) as KnownBlock[], id, done),
          });
        })().catch((err) => ctx.log.warn({ err: { message: (err as Error).message } }, 'slack button not answered')),
      );
    });

  onClick(ACTION.redeliver, async (workspaceId, deliveryId, user) => {
    await redeliver(ctx.db.pool, workspaceId, deliveryId);
    deps.engine.wake();
    return `:arrows_counterclockwise: <@${user}> asked for a redelivery; it is queued, and its result will be in the log.`;
  });

  onClick(ACTION.mute, async (workspaceId, value, user) => {
    const cut = value.indexOf(' ');
    const [webhookId, chatflowId] = [value.slice(0, cut), value.slice(cut + 1)];
    if (cut < 0 || !isUuid(webhookId) || !chatflowId) throw new ApiError('validation_error', 'this button is not one the app made');
    const m = await mute(ctx, workspaceId, { webhookId, chatflowId, forMs: BUTTON_MUTE.ms, createdBy: `slack:${user}` });
    return (
      `:mute: <@${user}> muted chatflow \`${escapeSlack(chatflowId)}\` for this webhook until ${slackTime(m.until)}. ` +
      `Its events are still recorded, as \`muted\` in the request log. End it sooner: \`/forjinn unmute ${escapeSlack(chatflowId)}\` in this channel.`
    );
  });

  onClick(ACTION.reenable, async (workspaceId, webhookId, user) => {
    await updateWebhook(ctx, workspaceId, webhookId, { enabled: true });
    return `:large_green_circle: <@${user}> re-enabled the webhook. Deliveries that failed meanwhile can be redelivered from its log.`;
  });

  // A link button (FORJINN_PUBLIC_URL set) opens the page by itself; Slack still sends the
  // click, which only needs its ack. Without the page's address, the last deliveries instead.
  app.action<Click>(ACTION.viewLog, async ({ ack, body, respond }) => {
    await ack();
    if (body.actions[0].url) return;
    deps.tasks.add(
      (async () => {
        const link = body.team ? await findLink(ctx.db.pool, body.team.id) : undefined;
        if (!link) return respond({ response_type: 'ephemeral', replace_original: false, ...warn(notLinkedText(body.team?.id ?? '?')) });
        let reply;
        try {
          const hook = await loadWebhook(ctx, link.workspace.id, body.actions[0].value ?? '');
          const { data } = await listDeliveries(ctx.db.pool, hook.id, { limit: 10 });
          const lines = data.map(
            (d) => `\`${d.id}\` ${d.eventType} · ${d.status}${d.lastStatusCode ? ` (HTTP ${d.lastStatusCode})` : ''} · ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${d.lastError ? ` · ${escapeSlack(d.lastError.slice(0, 200))}` : ''}`,
          );
          reply = lines.length ? list(`*Last deliveries of \`${hook.id}\`*`, lines, 'see GET /v1/webhooks/{id}/deliveries') : say('No deliveries yet.');
        } catch (e) {
          reply = errorReply(deps, e);
        }
        await respond({ response_type: 'ephemeral', replace_original: false, ...reply });
      })().catch((err) => ctx.log.warn({ err: { message: (err as Error).message } }, 'slack button not answered')),
    );
  });
}
