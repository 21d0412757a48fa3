// Microsoft Teams through a Power Automate Workflows webhook ("Post to a channel when a webhook
// request is received"): one Adaptive Card 1.4 per message.
import { z } from 'zod';
import { jsonBody } from '../shared/answer-body.js';
import { parseSettings } from '../shared/config.js';
import { viewEvent } from '../shared/event-view.js';
import { checkTemplateSource, loadDefaultTemplates, renderText } from '../shared/templates.js';
import { TransformerError, type AnswerRules, type Rendered, type Transformer } from '../types.js';
import { buildCard, TEAMS_MAX_BYTES } from './card.js';
import { TEAMS_HELPERS } from './escape.js';

export type TeamsConfig = Record<string, never>;

const TEAMS_LIMITS_DOC =
  'https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#rate-limiting-for-connectors';

const schema = z.strictObject({});

// What Power Automate Workflows answers (docs/transformers.md, "Teams"). A 202 only means the flow
// accepted the request; it posts the card a moment later.
const ANSWERS: AnswerRules = {
  vendor: 'Teams',
  status: {
    200: 'success',
    202: 'success',
    400: 'refuse', // the flow rejected this body (schema mismatch, a card it cannot post)
    413: 'refuse', // over the size limit
    401: 'disable', // the sig= in the URL no longer matches: the flow was recreated
    403: 'disable', // the flow was turned off or its owner lost access
    404: 'disable', // the flow was deleted
    429: 'retry', // about 4 requests a second per flow
  },
  body(response) {
    const body = jsonBody(response) as { error?: { code?: unknown } } | undefined;
    return { detail: typeof body?.error?.code === 'string' ? body.error.code : undefined };
  },
};

/** Office 365 connectors (MessageCard) are retired; their URLs accept nothing now. */
function isOffice365Connector(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (host === 'webhook.office.com' || host.endsWith('.webhook.office.com')) return true;
  return (host === 'outlook.office.com' || host === 'outlook.office365.com') && url.pathname.startsWith('/webhook');
}

loadDefaultTemplates('teams');

export const teams: Transformer<TeamsConfig> = {
  name: 'teams',
  label: 'Microsoft Teams (Workflows)',
  defaultEndpointConcurrency: 1,
  signed: false,
  capabilities: { botMode: false, threads: false, edits: false },
  // Grouped alerts: it cannot edit what it posted, so one digest per interval.
  grouping: {},
  helpers: TEAMS_HELPERS,
  limits: [
    // Some tenants refuse well under it: the card is cut to 20 KB (card.ts TEAMS_TARGET_BYTES).
    { what: 'message', max: TEAMS_MAX_BYTES, unit: 'bytes', doc: TEAMS_LIMITS_DOC },
  ],
  // Microsoft's table for posting to Teams through a webhook URL: 4 requests in any second (and
  // 60 in 30 s, which a rate of 4 a second can pass in a long burst: a 429 then pauses the URL).
  rate: { requests: 4, perMs: 1_000, per: 'Workflows URL', doc: TEAMS_LIMITS_DOC },
  configFields: [],
  templateHelp:
    'Renders the text under the card title in Adaptive Card markdown (bold, italic, lists, links). ' +
    'Put event text through {{teams …}}; a ``` fenced part (see {{fence …}}) is shown in a monospace block. ' +
    'Title, facts and link buttons are added around it; long text is cut to keep the card under 20 KB.',

  parseConfig(raw) {
    return parseSettings(schema, raw, []) as TeamsConfig;
  },

  checkUrl(url) {
    if (isOffice365Connector(url)) {
      throw new TransformerError(
        'invalid_url',
        'Office 365 connector webhooks are retired and no longer deliver. In Teams, add the Workflows app ' +
          'template "Post to a channel when a webhook request is received" and use the URL it gives you.',
        'url',
      );
    }
  },

  render(event, _config, ctx, template): Rendered {
    const view = viewEvent(event, ctx);
    const run = renderText('teams', event, ctx, view, template);
    const truncated: string[] = [];
    return {
      body: buildCard(view, run, truncated),
      contentType: 'application/json; charset=utf-8',
      headers: {},
      truncated,
      signed: false,
      ...(run.templateError ? { templateError: run.templateError } : {}),
    };
  },

  checkTemplate(template, _config, events) {
    checkTemplateSource('teams', template, undefined, events);
  },

  answers: ANSWERS,
};
