// Google Chat incoming webhooks: `{text, cardsV2}`, optionally threaded by a key rendered from
// the event (e.g. one thread per chatflow).
import { z } from 'zod';
import { jsonBody } from '../shared/answer-body.js';
import { parseSettings, withQuery } from '../shared/config.js';
import { viewEvent } from '../shared/event-view.js';
import { describeTemplateError } from '../shared/template-errors.js';
import { checkTemplateSource, loadDefaultTemplates, renderText, runTemplate } from '../shared/templates.js';
import { SAMPLE_EVENTS } from '../samples.js';
import {
  EVENT_TYPES,
  TransformerError,
  type AnswerRules,
  type ForjinnEvent,
  type RenderContext,
  type Rendered,
  type Transformer,
} from '../types.js';
import { GOOGLE_CHAT_HELPERS } from './escape.js';
import { buildMessage, GOOGLE_CHAT_MAX_BYTES } from './message.js';

export interface GoogleChatConfig {
  /** A Handlebars template for the thread key, e.g. `{{chatflowId}}`; empty result: no thread. */
  threadKey?: string;
}

// A key names a thread, it is not a message; 500 characters of template is plenty.
const THREAD_KEY_TEMPLATE_MAX = 500;

/**
 * Thread keys render leniently: a field missing from an event (no chatflowId on a dataset event)
 * gives an empty key, and that event is posted unthreaded, which is what one wants.
 */
function threadKeyFor(source: string | undefined, event: ForjinnEvent, ctx: RenderContext): string | undefined {
  if (!source) return undefined;
  const key = runTemplate(source, event, ctx, 'google-chat', { strict: false }).text.replace(/\s+/g, ' ').trim();
  return key === '' ? undefined : key;
}

const schema = z.strictObject({
  threadKey: z
    .string({ error: 'must be text' })
    .trim()
    .max(THREAD_KEY_TEMPLATE_MAX, { error: `must be at most ${THREAD_KEY_TEMPLATE_MAX} characters` })
    .optional(),
});

// https://developers.google.com/workspace/chat/api/reference/rest (google.rpc error codes)
const ANSWERS: AnswerRules = {
  vendor: 'Google Chat',
  status: {
    200: 'success',
    400: 'refuse', // INVALID_ARGUMENT: this card or text was rejected, and always will be
    401: 'disable', // the key/token in the URL is no longer valid
    403: 'disable', // PERMISSION_DENIED: the webhook was removed from the space
    404: 'disable', // NOT_FOUND: the space is gone
    429: 'retry', // 60 messages a minute per space, shared by every sender
  },
  body(response) {
    const body = jsonBody(response) as { error?: { status?: unknown } } | undefined;
    return { detail: typeof body?.error?.status === 'string' ? body.error.status : undefined };
  },
};

loadDefaultTemplates('google-chat');

/** The space a webhook URL posts into (`chat.googleapis.com spaces/AAAA`), or undefined for another URL. */
function spaceOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    const space = /^\/v1\/(spaces\/[^/]+)\/messages$/.exec(u.pathname)?.[1];
    return space ? `${u.host} ${space}` : undefined;
  } catch {
    return undefined;
  }
}

export const googleChat: Transformer<GoogleChatConfig> = {
  name: 'google-chat',
  label: 'Google Chat',
  defaultEndpointConcurrency: 1,
  signed: false,
  // Threads: the threadKey setting groups messages (one thread per chatflow, say).
  capabilities: { botMode: false, threads: true, edits: false },
  // Grouped alerts: a webhook cannot edit; each digest is a reply in the group's own thread.
  grouping: {},
  helpers: GOOGLE_CHAT_HELPERS,
  limits: [
    { what: 'message, text and cards', max: GOOGLE_CHAT_MAX_BYTES, unit: 'bytes', doc: 'https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages/create' },
  ],
  // One write a second per space, shared by every app and webhook posting in it (60 a minute in
  // the older table). The space is in the URL, so two webhooks of one space are paced as one.
  rate: { requests: 1, perMs: 1_000, per: 'space', doc: 'https://developers.google.com/workspace/chat/limits' },
  destination: (_config, url) => spaceOf(url) ?? url,
  configFields: [
    {
      name: 'threadKey',
      label: 'Thread key',
      type: 'string',
      required: false,
      help: 'Group messages into threads by a key rendered from the event, e.g. {{chatflowId}} for one thread per chatflow. Empty: no threads.',
    },
  ],
  templateHelp:
    'Renders the card text in Google Chat card HTML (<b>, <i>, <font color>, <a href>); newlines become line breaks. ' +
    'Put event text through {{html …}}. Title, facts and link buttons are added around it.',

  parseConfig(raw) {
    const config = parseSettings(schema, raw, ['threadKey']);
    if (!config.threadKey) return {};
    for (const type of EVENT_TYPES) {
      try {
        threadKeyFor(config.threadKey, SAMPLE_EVENTS[type], {});
      } catch (err) {
        throw new TransformerError('invalid_config', `threadKey: ${describeTemplateError(err, config.threadKey)}`, 'threadKey');
      }
    }
    return { threadKey: config.threadKey };
  },

  checkUrl(url) {
    if (url.hostname !== 'chat.googleapis.com') return;
    if (!/^\/v1\/spaces\/[^/]+\/messages$/.test(url.pathname) || !url.searchParams.has('key') || !url.searchParams.has('token')) {
      throw new TransformerError(
        'invalid_url',
        'not a complete Google Chat webhook URL (expected https://chat.googleapis.com/v1/spaces/<space>/messages?key=…&token=…); copy the whole URL from Apps & integrations → Webhooks',
        'url',
      );
    }
  },

  render(event, config, ctx, template): Rendered {
    const view = viewEvent(event, ctx);
    const run = renderText('google-chat', event, ctx, view, template);
    let threadKey: string | undefined;
    let templateError = run.templateError;
    try {
      // A grouped alert's digests go to one thread per group.
      threadKey = ctx.group ? `forjinn-group-${ctx.group.id}` : threadKeyFor(config.threadKey, event, ctx);
    } catch (err) {
      // Checked against the samples at save; if a real event still breaks it, post unthreaded.
      templateError = [templateError, `threadKey: ${describeTemplateError(err, config.threadKey ?? '')}`].filter(Boolean).join('; ');
    }
    const truncated: string[] = [];
    const message = buildMessage(view, run, threadKey, truncated);
    // Replying into the key's thread needs this parameter; without it Chat starts a new thread.
    const url =
      threadKey && ctx.webhookUrl
        ? withQuery(ctx.webhookUrl, { messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' })
        : undefined;
    return {
      body: JSON.stringify(message),
      contentType: 'application/json; charset=utf-8',
      headers: {},
      ...(url ? { url } : {}),
      truncated,
      signed: false,
      ...(templateError ? { templateError } : {}),
    };
  },

  checkTemplate(template, _config, events) {
    checkTemplateSource('google-chat', template, undefined, events);
  },

  answers: ANSWERS,
};
