// Mattermost: an incoming webhook (`{text, attachments}` to https://<server>/hooks/<id>), which
// takes Slack's attachment format. https://developers.mattermost.com/integrate/webhooks/incoming/
import { z } from 'zod';
import { jsonBody } from '../shared/answer-body.js';
import { parseSettings } from '../shared/config.js';
import { viewEvent } from '../shared/event-view.js';
import { checkTemplateSource, loadDefaultTemplates, renderText } from '../shared/templates.js';
import type { AnswerRules, Rendered, Transformer } from '../types.js';
import { MATTERMOST_HELPERS } from './escape.js';
import { buildMessage, MATTERMOST_ATTACHMENT_TEXT_MAX, MATTERMOST_TEXT_MAX } from './message.js';

export type MattermostConfig = Record<string, never>;

const schema = z.strictObject({});

// What the server answers (server/channels/web/webhook.go and HandleIncomingWebhook in
// server/channels/app/webhook.go; the docs list no errors): `ok` as text/plain on success, else
// JSON `{id, message, status_code}` with these statuses.
const DISABLE_IDS = new Set([
  'web.incoming_webhook.invalid.app_error', // 400: no webhook with this id (deleted)
  'web.incoming_webhook.disabled.app_error', // 501: incoming webhooks turned off by the admin
]);
const ANSWERS: AnswerRules = {
  vendor: 'Mattermost',
  status: {
    200: 'success',
    400: 'refuse', // web.incoming_webhook.parse / .text: this body never posts (but see the body rule)
    403: 'disable', // channel locked to another channel, no permission to the channel, the creator deactivated
    404: 'disable', // the webhook's channel was deleted
    429: 'retry', // the server's rate limit (off by default); Retry-After, on any retry answer, is waited for
    501: 'disable', // incoming webhooks disabled on the server
  },
  body(response) {
    const body = jsonBody(response) as { id?: unknown; message?: unknown } | undefined;
    const id = typeof body?.id === 'string' ? body.id : undefined;
    const message = typeof body?.message === 'string' ? body.message : undefined;
    const detail = id && message ? `${id}: ${message}` : (id ?? message);
    // A deleted webhook answers 400 like a bad body: the error id tells them apart.
    return id && DISABLE_IDS.has(id) ? { outcome: 'disable', detail } : { detail };
  },
};

loadDefaultTemplates('mattermost');

export const mattermost: Transformer<MattermostConfig> = {
  name: 'mattermost',
  label: 'Mattermost',
  // Mattermost documents no rate for incoming webhooks; one at a time keeps a channel in order.
  defaultEndpointConcurrency: 1,
  signed: false,
  capabilities: { botMode: false, threads: false, edits: false },
  // Grouped alerts: it cannot edit what it posted, so one digest per interval.
  grouping: {},
  helpers: MATTERMOST_HELPERS,
  limits: [
    { what: 'message text (longer is split into several posts)', max: MATTERMOST_TEXT_MAX, unit: 'characters', doc: 'https://developers.mattermost.com/integrate/webhooks/incoming/' },
    { what: 'attachment text (our budget; the server allows 760,000 characters of attachments)', max: MATTERMOST_ATTACHMENT_TEXT_MAX, unit: 'characters', doc: 'https://developers.mattermost.com/integrate/reference/message-attachments/' },
  ],
  configFields: [],
  templateHelp:
    'Renders the attachment text in Mattermost markdown. Put event text through {{mattermost …}} so @channel, ' +
    '@here and links in it stay plain text. Title, color, facts and links are added around it.',

  parseConfig(raw) {
    parseSettings(schema, raw, []);
    return {};
  },

  render(event, _config, ctx, template): Rendered {
    const view = viewEvent(event, ctx);
    const run = renderText('mattermost', event, ctx, view, template);
    const truncated: string[] = [];
    const message = buildMessage(view, run, truncated);
    return {
      body: JSON.stringify(message),
      contentType: 'application/json',
      headers: {},
      truncated,
      signed: false,
      ...(run.templateError ? { templateError: run.templateError } : {}),
    };
  },

  checkTemplate(template, _config, events) {
    checkTemplateSource('mattermost', template, undefined, events);
  },

  answers: ANSWERS,
};
