// Building the request of one attempt: render through the webhook's transformer, then the
// contract's headers and signatures over the exact bytes that will be sent.
import { TransformerError, type RenderContext, type Rendered, type Transformer } from '../transformers/types.js';
import { describeBytes, MAX_RENDERED_BYTES } from '../transformers/shared/render-budget.js';
import { templateFor } from '../transformers/shared/templates.js';
import type { Webhook } from '../../store/webhooks.js';
import { signatureHeaders } from '../signing/sign.js';

export const USER_AGENT = 'Forjinn-Webhooks/0.1.0';

export interface PreparedWebhook {
  webhook: Webhook;
  transformer: Transformer;
  config: unknown;
}

export interface WireRequest {
  url: string;
  /** Absent: POST (a Discord edit is a PATCH). */
  method?: 'POST' | 'PATCH';
  headers: Record<string, string>;
  body: string;
  truncated: string[];
  templateError?: string;
}

export interface RequestInput {
  deliveryId: string;
  eventType: string;
  /** The event JSON as stored (generic deliveries send these bytes as they are). */
  payload: string;
  now: number;
  /** The event's trace with this attempt's span (traceparent, tracestate): sent to signed receivers only. */
  trace?: { traceparent: string; tracestate: string | null } | null;
}

export class RenderError extends Error {}

export function buildRequest(p: PreparedWebhook, input: RequestInput, renderCtx: RenderContext): WireRequest {
  const { webhook, transformer } = p;
  let rendered: Rendered;
  // One template for every type, or this type's from a per-event map (absent: the built-in one).
  const template = templateFor(webhook.template, input.eventType);
  // The plain signed receiver without a template gets the event's stored bytes (types.ts `signed`).
  if (transformer.signed && !template) {
    rendered = { body: input.payload, contentType: 'application/json', headers: {}, truncated: [], signed: true };
  } else {
    try {
      rendered = transformer.render(JSON.parse(input.payload), p.config, { ...renderCtx, webhookId: webhook.id, webhookUrl: webhook.url, deliveryId: input.deliveryId }, template);
    } catch (e) {
      throw new RenderError(e instanceof TransformerError || e instanceof Error ? e.message : String(e));
    }
    // A template's own output is bounded as it renders; this bounds what a transformer builds
    // around it too. The event itself (generic, no template) is bounded by ingest instead.
    const limit = renderCtx.maxRenderedBytes ?? MAX_RENDERED_BYTES;
    if (Buffer.byteLength(rendered.body, 'utf8') > limit) throw new RenderError(`the rendered body is larger than ${describeBytes(limit)}, the limit of one message`);
  }
  const headers: Record<string, string> = {
    ...webhook.headers,
    ...rendered.headers,
    'content-type': rendered.contentType,
    'user-agent': USER_AGENT,
  };
  if (rendered.signed) {
    const timestamp = Math.floor(input.now / 1000);
    Object.assign(headers, {
      'x-forjinn-event': input.eventType,
      'x-forjinn-delivery': input.deliveryId,
      'webhook-id': input.deliveryId,
      'webhook-timestamp': String(timestamp),
    });
    const rotating = webhook.previousSecretExpiresAt !== null && webhook.previousSecretExpiresAt.getTime() > input.now;
    const secrets = [webhook.secret, rotating ? webhook.previousSecret : null].filter((s): s is string => !!s);
    Object.assign(headers, signatureHeaders(secrets, input.deliveryId, timestamp, rendered.body));
    // The platform's trace, this attempt a child span of it (W3C Trace Context). Chat targets'
    // vendors are no part of the producer's trace: only the signed receiver gets it.
    if (input.trace) {
      headers.traceparent = input.trace.traceparent;
      if (input.trace.tracestate !== null) headers.tracestate = input.trace.tracestate;
    }
  }
  return { url: rendered.url ?? webhook.url, ...(rendered.method ? { method: rendered.method } : {}), headers, body: rendered.body, truncated: rendered.truncated, templateError: rendered.templateError };
}

// The one redaction rule, for a request's headers and its body, wherever they are stored or
// shown: the attempt log (GET /v1/deliveries/:id, the page, redeliver, recover), previews, Send
// Test's answer (API, CLI, Slack). What is not known to be public is treated as secret.

export const REDACTED = '[redacted]';

/** Set by the engine from the event and the contract (the trace headers: the producer's own, with a span id per attempt): nothing secret in them. */
const PUBLIC_HEADERS = new Set(['content-type', 'user-agent', 'x-forjinn-event', 'x-forjinn-delivery', 'webhook-id', 'webhook-timestamp', 'traceparent', 'tracestate']);
/** HMACs under the webhook's own secret (during a rotation, webhook-signature holds two, space-separated, and the previous secret's sha256= is sent as x-forjinn-signature-previous). */
const SIGNATURE_HEADERS = new Set(['x-forjinn-signature', 'x-forjinn-signature-previous', 'webhook-signature']);

/**
 * Who is shown the headers. `stored`: the attempt log and every answer made from it, previews.
 * `as-sent`: Send Test's answer, to the webhook's own workspace, which holds the webhook's
 * secret and set its custom headers: those are shown as sent so a receiver's check can be
 * compared. Nothing else differs between the two.
 */
export type HeaderView = 'stored' | 'as-sent';

/**
 * - the contract's public headers: as they are;
 * - signatures: `sha256=[redacted]` / `v1,[redacted]`, as sent only in `as-sent`;
 * - the workspace's custom headers, when the value sent is the one it set: `[redacted]`, as
 *   sent only in `as-sent`;
 * - anything else: `[redacted]` in every view. That is every header a transformer adds (Slack
 *   bot mode's `Authorization: Bearer xoxb-…` is the operator's token, shared by every
 *   workspace), a custom header a transformer overrode, and any header added later.
 */
export function redactHeaders(headers: Record<string, string>, custom: Record<string, string>, view: HeaderView = 'stored'): Record<string, string> {
  const own = new Map(Object.entries(custom).map(([k, v]) => [k.toLowerCase(), v]));
  const shown = view === 'as-sent';
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (PUBLIC_HEADERS.has(name)) out[k] = v;
    else if (SIGNATURE_HEADERS.has(name)) out[k] = shown ? v : v.split(' ').map((s) => s.replace(/^(sha256=|v1,)?.*$/, `$1${REDACTED}`)).join(' ');
    else if (own.get(name) === v) out[k] = shown ? v : REDACTED;
    else out[k] = REDACTED;
  }
  return out;
}

// A shorter value could match ordinary text of the body; every secret setting is longer
// (PagerDuty's routing key: 32 characters).
const MIN_SECRET_LENGTH = 8;

/**
 * The values of a transformer's secret settings (PagerDuty's routing key), in every form they
 * can take: as typed and stored, trimmed (what parseConfig keeps and render sends), and each
 * JSON-escaped. Give it both the stored settings and the parsed ones.
 */
export function secretSettingValues(transformer: Pick<Transformer, 'configFields'>, ...configs: unknown[]): string[] {
  const out = new Set<string>();
  for (const field of transformer.configFields ?? []) {
    if (!field.secret) continue;
    for (const config of configs) {
      const value = config && typeof config === 'object' ? (config as Record<string, unknown>)[field.name] : undefined;
      if (typeof value !== 'string') continue;
      for (const v of [value, value.trim()]) {
        if (v.length >= MIN_SECRET_LENGTH) out.add(v).add(JSON.stringify(v).slice(1, -1));
      }
    }
  }
  // Longest first: a trimmed value inside its spaced form is not left half cut.
  return [...out].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of each value replaced by `mark`. */
export function hideValues(text: string, values: string[], mark = REDACTED): string {
  let out = text;
  for (const v of values) out = out.split(v).join(mark);
  return out;
}
