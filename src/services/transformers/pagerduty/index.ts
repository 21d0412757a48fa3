// PagerDuty Events API v2: failures trigger an alert per chatflow, the chatflow's next completion
// resolves it, and other events are informational alerts. The URL is the webhook's own (the
// default suggested is the public endpoint; EU accounts use events.eu.pagerduty.com).
import { z } from 'zod';
import { jsonBody } from '../shared/answer-body.js';
import { parseSettings } from '../shared/config.js';
import { viewEvent } from '../shared/event-view.js';
import { checkTemplateSource, loadDefaultTemplates, renderText } from '../shared/templates.js';
import { oneLine } from '../shared/text.js';
import { TransformerError, type AnswerRules, type Rendered, type Transformer } from '../types.js';
import { PAGERDUTY_LIMITS, PAGERDUTY_RATE, PAGERDUTY_SEVERITIES, payload, plan, routingKeyDestination, type Severity } from './event.js';

export interface PagerDutyConfig {
  routingKey: string;
  /** Overrides the severity of every alert triggered (default: derived from the event). */
  severity?: Severity;
  /** flow_completed resolves the chatflow's open alert (default true). */
  resolveOnSuccess: boolean;
}

export const PAGERDUTY_DEFAULT_URL = 'https://events.pagerduty.com/v2/enqueue';
const PAGERDUTY_HOSTS = new Set(['events.pagerduty.com', 'events.eu.pagerduty.com']);

const schema = z.strictObject({
  // An Events API v2 integration key is 32 characters. The message never repeats the value.
  // Trimmed: a key pasted with spaces is accepted, and the key sent is the trimmed one, which
  // is what the request log cuts out (secretSettingValues in src/delivery/request.ts).
  routingKey: z
    .string({ error: 'is required: the Integration Key of an Events API v2 integration' })
    .trim()
    .regex(/^[A-Za-z0-9]{32}$/, { error: 'must be the 32-character Integration Key of an Events API v2 integration' }),
  severity: z.enum(PAGERDUTY_SEVERITIES, { error: `must be one of ${PAGERDUTY_SEVERITIES.join(', ')}` }).optional(),
  resolveOnSuccess: z.boolean({ error: 'must be true or false' }).default(true),
});

// https://developer.pagerduty.com/docs/events-api-v2/overview/#response-codes--retry-logic
// Nothing disables: a routing key has no "gone" answer but the shared 410.
const ANSWERS: AnswerRules = {
  vendor: 'PagerDuty',
  status: {
    202: 'success',
    400: 'refuse', // invalid event: retrying the same body cannot help
    429: 'retry', // about 120 events a minute per routing key
  },
  body(response) {
    const body = jsonBody(response) as { message?: unknown; errors?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? body.message : undefined;
    const first = Array.isArray(body?.errors) && typeof body.errors[0] === 'string' ? body.errors[0] : undefined;
    return { detail: [message, first].filter(Boolean).join(': ') || undefined };
  },
};

/** An empty summary is refused by PagerDuty; a template that renders one is not used. */
function requireSummary(text: string): void {
  if (oneLine(text) === '') throw new TransformerError('invalid_template', 'the template renders an empty summary', 'template');
}

loadDefaultTemplates('pagerduty');

export const pagerduty: Transformer<PagerDutyConfig> = {
  name: 'pagerduty',
  label: 'PagerDuty (Events API v2)',
  defaultEndpointConcurrency: 1,
  defaultUrl: PAGERDUTY_DEFAULT_URL,
  signed: false,
  capabilities: { botMode: false, threads: false, edits: false },
  // The summary is plain text: no markup, so no escaping helper.
  limits: PAGERDUTY_LIMITS,
  // Every integration posts to the one enqueue URL: the routing key is the destination.
  rate: PAGERDUTY_RATE,
  destination: routingKeyDestination,
  configFields: [
    { name: 'routingKey', label: 'Integration key', type: 'string', required: true, secret: true, help: 'The 32-character Integration Key of an Events API v2 integration on the PagerDuty service.' },
    { name: 'severity', label: 'Severity', type: 'enum', required: false, options: [...PAGERDUTY_SEVERITIES], help: 'Use this severity for every alert. Empty: from the event (errors use their own severity, failures error, evaluations with failures warning, the rest info).' },
    { name: 'resolveOnSuccess', label: 'Resolve on success', type: 'boolean', required: false, help: 'A completed run of a chatflow resolves its open alert (default on).' },
  ],
  templateHelp:
    'Renders the alert summary as plain text on one line (max 1024 characters). Details, links and severity are set from the event.',

  parseConfig(raw) {
    const config = parseSettings(schema, raw, ['routingKey', 'severity', 'resolveOnSuccess']);
    return Object.freeze({ ...config });
  },

  checkUrl(url) {
    if (PAGERDUTY_HOSTS.has(url.hostname) && url.pathname !== '/v2/enqueue') {
      throw new TransformerError(
        'invalid_url',
        `use ${PAGERDUTY_DEFAULT_URL} (Events API v2; events.eu.pagerduty.com for EU accounts)`,
        'url',
      );
    }
  },

  render(event, config, ctx, template): Rendered {
    const view = viewEvent(event, ctx);
    const next = plan(event, view, config.resolveOnSuccess, config.severity, ctx.test === true);
    const base = { contentType: 'application/json', headers: {}, signed: false };
    if (next.action === 'resolve') {
      // A resolve needs only the key; resolving a key with no open alert is a no-op for PagerDuty.
      const body = { routing_key: config.routingKey, event_action: 'resolve', dedup_key: next.dedupKey };
      return { ...base, body: JSON.stringify(body), truncated: [] };
    }
    const run = renderText('pagerduty', event, ctx, view, template, requireSummary);
    const summary = oneLine(run.text) || `${view.headline}: ${view.subject}`;
    const truncated: string[] = run.cut ? ['payload.summary'] : [];
    const clientUrl = view.linkUrls.deliveries ?? view.linkUrls.chatflow;
    const body = {
      routing_key: config.routingKey,
      event_action: 'trigger',
      dedup_key: next.dedupKey,
      payload: payload({ event, view, ctx, summary, severity: next.severity }, truncated),
      links: view.links.map((link) => ({ href: link.url, text: link.label })),
      client: 'Forjinn',
      ...(clientUrl ? { client_url: clientUrl } : {}),
    };
    return {
      ...base,
      body: JSON.stringify(body),
      truncated: [...new Set(truncated)],
      ...(run.templateError ? { templateError: run.templateError } : {}),
    };
  },

  checkTemplate(template, _config, events) {
    checkTemplateSource('pagerduty', template, requireSummary, events);
  },

  answers: ANSWERS,
};
