// Building the request of one attempt: render through the webhook's transformer, then the
// contract's headers and signatures over the exact bytes that will be sent.
import { TransformerError, type RenderContext, type Rendered, type Transformer } from '../../transformers/types.js';
import type { Webhook } from '../webhooks/repo.js';
import { signatureHeaders } from './sign.js';

export const USER_AGENT = 'Forjinn-Webhooks/0.1.0';

export interface PreparedWebhook {
  webhook: Webhook;
  transformer: Transformer;
  config: unknown;
}

export interface WireRequest {
  url: string;
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
}

export class RenderError extends Error {}

export function buildRequest(p: PreparedWebhook, input: RequestInput, renderCtx: RenderContext): WireRequest {
  const { webhook, transformer } = p;
  let rendered: Rendered;
  if (transformer.name === 'generic' && !webhook.template) {
    rendered = { body: input.payload, contentType: 'application/json', headers: {}, truncated: [], signed: true };
  } else {
    try {
      rendered = transformer.render(JSON.parse(input.payload), p.config, { ...renderCtx, webhookId: webhook.id, webhookUrl: webhook.url, deliveryId: input.deliveryId }, webhook.template ?? undefined);
    } catch (e) {
      throw new RenderError(e instanceof TransformerError || e instanceof Error ? e.message : String(e));
    }
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
  }
  return { url: rendered.url ?? webhook.url, headers, body: rendered.body, truncated: rendered.truncated, templateError: rendered.templateError };
}

const SECRET_HEADERS = /^(authorization|x-forjinn-signature|webhook-signature|proxy-authorization|cookie)$/i;

/** Headers as stored in the attempt log: signatures and credentials redacted, custom values hidden. */
export function redactHeaders(headers: Record<string, string>, custom: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (SECRET_HEADERS.test(k)) out[k] = v.split(' ').map((s) => s.replace(/^(sha256=|v1,)?.*$/, '$1[redacted]')).join(' ');
    else if (Object.keys(custom).some((c) => c.toLowerCase() === k.toLowerCase())) out[k] = '[redacted]';
    else out[k] = v;
  }
  return out;
}
