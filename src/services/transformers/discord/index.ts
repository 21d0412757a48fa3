// Discord: an execute-webhook request with one embed, mentions disabled, and `wait=true` so
// Discord answers 200 with the message (a failure to post is then an error status, not a 204).
import { z } from 'zod';
import { jsonBody } from '../shared/answer-body.js';
import { parseSettings, withQuery } from '../shared/config.js';
import { viewEvent } from '../shared/event-view.js';
import { checkTemplateSource, loadDefaultTemplates, renderText } from '../shared/templates.js';
import { TransformerError, type AnswerRules, type Rendered, type Transformer } from '../types.js';
import { buildEmbed, DISCORD_LIMITS } from './embed.js';
import { DISCORD_HELPERS } from './escape.js';
import { bucketPause, DISCORD_RATE } from './rate.js';

export interface DiscordConfig {
  username: string;
  avatarUrl?: string;
}

// https://discord.com/developers/docs/resources/webhook#execute-webhook : username up to 80;
// https://discord.com/developers/docs/resources/user#usernames-and-nicknames : no "discord" or
// "clyde" in a webhook name, no @ # : or ```.
export const DISCORD_USERNAME_MAX = 80;
const DEFAULT_USERNAME = 'Forjinn';

const isHttpsUrl = (value: string): boolean => {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
};

const schema = z.strictObject({
  username: z
    .string({ error: 'must be text' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(DISCORD_USERNAME_MAX, { error: `must be at most ${DISCORD_USERNAME_MAX} characters` })
    .refine((name) => !/discord|clyde/i.test(name), { error: 'Discord refuses names containing "discord" or "clyde"' })
    .refine((name) => !/[@#:]|```/.test(name), { error: 'Discord refuses names with @, #, : or ```' })
    .default(DEFAULT_USERNAME),
  avatarUrl: z.string({ error: 'must be text' }).trim().refine(isHttpsUrl, { error: 'must be an https URL' }).optional(),
});

const DISCORD_HOSTS = new Set(['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com']);

// https://discord.com/developers/docs/topics/opcodes-and-status-codes#http
const ANSWERS: AnswerRules = {
  vendor: 'Discord',
  status: {
    200: 'success', // with wait=true
    204: 'success', // without wait
    400: 'refuse', // the body was rejected (code 50035 Invalid Form Body, …): it never will be accepted
    401: 'disable', // token invalid
    403: 'disable', // missing access
    404: 'disable', // code 10015 Unknown Webhook: deleted. Calling dead webhooks gets the IP banned.
    429: 'retry',
  },
  body(response) {
    const body = jsonBody(response) as { message?: unknown; code?: unknown; retry_after?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? body.message : undefined;
    const detail = message && typeof body?.code === 'number' ? `${message}, code ${body.code}` : message;
    // A 429's retry_after is in seconds with a fraction, and is more precise than the header.
    const retryAfterSeconds = typeof body?.retry_after === 'number' ? body.retry_after : undefined;
    return { detail, retryAfterSeconds };
  },
  // Every answer carries the bucket: its last request paces the webhook until the bucket refills.
  pause: bucketPause,
};

loadDefaultTemplates('discord');

/** The webhook's URL with /messages/{id} after its token (its query kept, e.g. thread_id). */
function editUrl(webhookUrl: string, messageId: string): string {
  const u = new URL(webhookUrl);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/messages/${encodeURIComponent(messageId)}`;
  return u.toString();
}

export const discord: Transformer<DiscordConfig> = {
  name: 'discord',
  label: 'Discord',
  // Discord rate-limits per webhook; 10,000 invalid requests in 10 minutes bans the sending IP.
  defaultEndpointConcurrency: 1,
  signed: false,
  // A grouped alert's later messages edit the first: PATCH …/messages/{id} (wait=true answers with it).
  capabilities: { botMode: false, threads: false, edits: true },
  grouping: {
    messageRef(response) {
      const id = (jsonBody(response) as { id?: unknown } | undefined)?.id;
      return typeof id === 'string' && /^\d+$/.test(id) ? id : undefined;
    },
  },
  helpers: DISCORD_HELPERS,
  limits: [
    ...DISCORD_LIMITS,
    { what: 'webhook username', max: DISCORD_USERNAME_MAX, unit: 'characters', doc: 'https://discord.com/developers/docs/resources/webhook#execute-webhook' },
  ],
  rate: DISCORD_RATE,
  configFields: [
    { name: 'username', label: 'Bot name', type: 'string', required: false, help: `Shown as the sender (default ${DEFAULT_USERNAME}).` },
    { name: 'avatarUrl', label: 'Avatar URL', type: 'string', required: false, help: 'An https image URL shown as the sender avatar.' },
  ],
  templateHelp:
    'Renders the embed description in Discord markdown (the room left of 6000 characters, at most 4096). ' +
    'Put event text through {{discord …}}, or {{fence …}} for a code block. Title, facts and links are added around it.',

  parseConfig(raw) {
    const config = parseSettings(schema, raw, ['username', 'avatarUrl']);
    return config.avatarUrl ? { username: config.username, avatarUrl: config.avatarUrl } : { username: config.username };
  },

  checkUrl(url) {
    if (!DISCORD_HOSTS.has(url.hostname)) return;
    if (!/^\/api\/(v\d+\/)?webhooks\/\d+\/[\w-]+\/?$/.test(url.pathname)) {
      throw new TransformerError(
        'invalid_url',
        'not a Discord webhook URL (expected https://discord.com/api/webhooks/<id>/<token>; the /slack and /github variants take other payloads)',
        'url',
      );
    }
  },

  render(event, config, ctx, template): Rendered {
    const view = viewEvent(event, ctx);
    const run = renderText('discord', event, ctx, view, template);
    const truncated: string[] = [];
    const embed = buildEmbed(view, run, event.timestamp, truncated);
    const body = {
      username: config.username,
      ...(config.avatarUrl ? { avatar_url: config.avatarUrl } : {}),
      embeds: [embed],
      // Nothing in an event may ping anyone: not @everyone in a model's output, not a role id.
      allowed_mentions: { parse: [] },
    };
    // https://discord.com/developers/docs/resources/webhook#edit-webhook-message : a grouped alert's message posted before.
    const edit = ctx.group?.messageId && ctx.webhookUrl ? editUrl(ctx.webhookUrl, ctx.group.messageId) : undefined;
    return {
      body: JSON.stringify(body),
      contentType: 'application/json',
      headers: {},
      ...(edit ? { url: edit, method: 'PATCH' as const } : ctx.webhookUrl ? { url: withQuery(ctx.webhookUrl, { wait: 'true' }) } : {}),
      truncated,
      signed: false,
      ...(run.templateError ? { templateError: run.templateError } : {}),
    };
  },

  checkTemplate(template, _config, events) {
    checkTemplateSource('discord', template, undefined, events);
  },

  answers: ANSWERS,
};
