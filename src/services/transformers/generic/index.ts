// Plain HTTPS endpoints: the event itself as JSON, signed by the engine. A custom template may
// reshape the body (e.g. for a receiver that wants its own field names); it must render JSON.
import { z } from 'zod';
import { parseSettings } from '../shared/config.js';
import { describeTemplateError } from '../shared/template-errors.js';
import { RenderTooLarge } from '../shared/render-budget.js';
import { checkTemplateSource, runTemplate } from '../shared/templates.js';
import { TransformerError, type AnswerRules, type ForjinnEvent, type RenderContext, type Rendered, type Transformer } from '../types.js';

export type GenericConfig = Record<string, never>;

const schema = z.strictObject({});

/** The default body: the event exactly as stored, plus `test: true` on Send Test deliveries. */
function eventJson(event: ForjinnEvent, ctx: RenderContext): string {
  return JSON.stringify(ctx.test ? { ...event, test: true } : event);
}

/**
 * A plain receiver may be mid-deploy or misconfigured for a while: redirects (not followed) and
 * every 4xx but 410 are retried on the schedule, and Retry-After is read on 429 and 503
 * (docs/delivery.md, "Retries"). The rest is the shared table: 2xx success, 410 disables.
 */
const ANSWERS: AnswerRules = {
  status: { '3xx': 'retry', '4xx': 'retry' },
  retryAfterOn: [429, 503],
};

/** A template's output is sent as it is (the bytes the receiver verifies), but must be JSON. */
function requireJson(text: string): void {
  try {
    JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new TransformerError(
      'invalid_template',
      `the template must render valid JSON (${reason}); put text values through {{json …}}`,
      'template',
    );
  }
}

export const generic: Transformer<GenericConfig> = {
  name: 'generic',
  label: 'HTTPS endpoint (JSON)',
  // The plain receiver: the contract's headers and signatures, a signing secret, the event as it is.
  signed: true,
  capabilities: { botMode: false, threads: false, edits: false },
  // Any HTTPS endpoint: no vendor, no vendor limits (ingest bounds the event itself).
  limits: [],
  // Not paced: a receiver's own rate is its business; a 429 retries on the schedule or Retry-After.
  rate: null,
  configFields: [],
  description: 'The event as JSON, POSTed to your endpoint',
  templateHelp:
    'Renders the whole JSON body. Write values with {{json field}} so quotes and newlines stay valid JSON; ' +
    '{{json this}} is the event itself.',

  parseConfig(raw) {
    return parseSettings(schema, raw, []) as GenericConfig;
  },

  render(event, _config, ctx, template): Rendered {
    const base = { contentType: 'application/json', headers: {}, truncated: [], signed: true };
    if (template === undefined || template.trim() === '') return { ...base, body: eventJson(event, ctx) };
    try {
      const { text } = runTemplate(template, event, ctx, 'generic', { strict: true });
      requireJson(text);
      return { ...base, body: text };
    } catch (err) {
      // Too large is not passed over: the delivery fails with it (render-budget.ts).
      if (err instanceof RenderTooLarge) throw err;
      // A receiver still gets the event: in its default shape, with the reason kept on the attempt.
      const reason = err instanceof TransformerError ? err.message : describeTemplateError(err, template);
      return { ...base, body: eventJson(event, ctx), templateError: reason };
    }
  },

  checkTemplate(template, _config, events) {
    checkTemplateSource('generic', template, requireJson, events);
  },

  answers: ANSWERS,
};
