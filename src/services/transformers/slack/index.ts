// Slack: an incoming webhook (`{text, blocks}` to the webhook URL), or, with a channel set, the
// Forjinn Slack app posting through chat.postMessage with its bot token.
import { z } from 'zod';
import { parseSettings } from '../shared/config.js';
import { groupReply, str, viewEvent } from '../shared/event-view.js';
import { checkTemplateSource, loadDefaultTemplates, renderText } from '../shared/templates.js';
import { TransformerError, type Rendered, type TargetResponse, type Transformer } from '../types.js';
import { jsonBody } from '../shared/answer-body.js';
import { buildMessage } from './blocks.js';
import { SLACK_ANSWERS } from './answers.js';
import { usesSlackBot } from './bot-mode.js';
import { muteActions } from './mute-button.js';
import { escapeSlack, SLACK_HELPERS } from './escape.js';
import { SLACK_LIMITS, SLACK_RATE } from './limits.js';

/** chat.postMessage's answer `{ok: true, channel, ts}` → `<channel id> <ts>`, what chat.update names the message by. */
function postedMessage(response: { status: number; body: string }): string | undefined {
  const body = jsonBody(response as TargetResponse) as { ok?: unknown; channel?: unknown; ts?: unknown } | undefined;
  return body?.ok === true && typeof body.channel === 'string' && typeof body.ts === 'string' ? `${body.channel} ${body.ts}` : undefined;
}

export interface SlackConfig {
  /** Bot mode: post to this channel with SLACK_BOT_TOKEN instead of the incoming webhook. */
  channel?: string;
}

const DEFAULT_API_URL = 'https://slack.com/api';

// https://api.slack.com/methods/chat.postMessage#arg_channel : an id (C…, G… private, D… direct)
// or a channel name; names are lowercase, up to 80 characters.
const CHANNEL = /^(?:[CGD][A-Z0-9]{6,}|#?[a-z0-9][a-z0-9._-]{0,79})$/;

const schema = z.strictObject({
  channel: z
    .string({ error: 'must be text' })
    .trim()
    .regex(CHANNEL, { error: 'must be a channel id (C0123ABCD) or a channel name (#alerts)' })
    .optional(),
});

// Read once at load so render does no I/O.
loadDefaultTemplates('slack');

export const slack: Transformer<SlackConfig> = {
  name: 'slack',
  label: 'Slack',
  // Slack allows about one message a second per webhook: one at a time, 429s slow it further.
  defaultEndpointConcurrency: 1,
  signed: false,
  // Bot mode: with a channel set, it posts as the Forjinn Slack app (bot-mode.ts), and a grouped
  // alert's later messages edit the first (chat.update); its resolve is a thread reply (thread_ts).
  capabilities: { botMode: true, threads: true, edits: true },
  usesBot: usesSlackBot,
  // Grouped alerts: in bot mode the message posted is kept (`<channel id> <ts>` from chat.postMessage's
  // answer) and edited; through an incoming webhook, which answers only "ok", one digest per interval.
  grouping: { messageRef: (response, config) => (usesSlackBot(config) ? postedMessage(response) : undefined) },
  helpers: SLACK_HELPERS,
  limits: SLACK_LIMITS,
  rate: SLACK_RATE,
  // Bot mode posts every channel through the one chat.postMessage URL: the channel is the destination.
  destination: (config, url) => (usesSlackBot(config) ? `slack channel ${String((config as SlackConfig).channel).trim()}` : url),
  configFields: [
    {
      name: 'channel',
      label: 'Channel (bot mode)',
      type: 'string',
      required: false,
      help:
        'Empty: post through the incoming webhook URL. A channel id or #name: post as the Forjinn Slack app ' +
        '(needs SLACK_BOT_TOKEN and a Slack team linked to this workspace; invite the app to the channel first).',
    },
  ],
  templateHelp:
    'Renders the main section of the message in Slack mrkdwn (max 3000 characters). Put event text through ' +
    '{{slack …}} so <!here>, <@U…> and links in it stay plain text. Header, facts and links are added around it.',

  parseConfig(raw) {
    const config = parseSettings(schema, raw, ['channel']);
    return config.channel ? { channel: config.channel } : {};
  },

  checkUrl(url, config) {
    // Workflow Builder webhooks take their own flat variables, not Block Kit messages.
    if (!config.channel && url.hostname === 'hooks.slack.com' && !url.pathname.startsWith('/services/')) {
      throw new TransformerError(
        'invalid_url',
        'this is a Slack Workflow Builder URL, which does not accept messages; create an incoming webhook ' +
          '(https://api.slack.com/messaging/webhooks), or use the generic transformer with a template that renders the workflow variables',
        'url',
      );
    }
  },

  render(event, config, ctx, template): Rendered {
    if (config.channel && !ctx.slackBotToken) {
      throw new TransformerError(
        'render_error',
        'Slack bot mode (a channel is set) needs SLACK_BOT_TOKEN; set it, or clear the channel to use the incoming webhook',
        'channel',
      );
    }
    const view = viewEvent(event, ctx);
    const run = renderText('slack', event, ctx, view, template);
    const truncated: string[] = [];
    const message = buildMessage(view, run, event.timestamp, truncated);
    const common = { truncated, signed: false, ...(run.templateError ? { templateError: run.templateError } : {}) };
    if (config.channel) {
      // A grouped alert's message posted before: chat.update of it (its channel id and ts), or, for
      // a resolved or re-opened group's thread reply, chat.postMessage under it.
      const [channelId, ts] = ctx.group?.messageId?.split(' ') ?? [];
      const edit = channelId && ts ? { channel: channelId, ts } : undefined;
      const reply = edit && ctx.group?.reply ? { channel: channelId, thread_ts: ts, text: escapeSlack(groupReply(ctx.group)) } : undefined;
      // Posted as the Forjinn Slack app, whose interactivity URL gets the click: an event of a
      // chatflow gets the "Mute this chatflow 1h" button (mute-button.ts), handled as the app's own
      // alerts' button is (it mutes this webhook for that chatflow for an hour).
      const chatflowId = str(event.chatflowId);
      const mute = chatflowId && ctx.webhookId ? muteActions(ctx.webhookId, chatflowId) : undefined;
      if (mute) message.blocks.push(mute);
      return {
        ...common,
        url: `${(ctx.slackApiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '')}/${edit && !reply ? 'chat.update' : 'chat.postMessage'}`,
        // The Web API warns `missing_charset` on JSON without it.
        contentType: 'application/json; charset=utf-8',
        // The operator's token: redactHeaders shows it as [redacted] in every view.
        headers: { Authorization: `Bearer ${ctx.slackBotToken}` },
        body: JSON.stringify(reply ?? { ...(edit ?? { channel: config.channel }), ...message }),
      };
    }
    return { ...common, contentType: 'application/json', headers: {}, body: JSON.stringify(message) };
  },

  checkTemplate(template, _config, events) {
    checkTemplateSource('slack', template, undefined, events);
  },

  answers: SLACK_ANSWERS,
};
