// The receiving side, for subscribers written in Node: verify a delivery before trusting it.
// Accepts either scheme the service sends: Standard Webhooks (webhook-id, webhook-timestamp,
// webhook-signature; the timestamp must be within the tolerance) or X-Forjinn-Signature.
// During a secret rotation a receiver holding either secret verifies every delivery unchanged:
// webhook-signature carries both secrets' values; X-Forjinn-Signature the new secret's and
// X-Forjinn-Signature-Previous the old one's, and a match in either is accepted.
import { timingSafeEqual } from 'node:crypto';
import { hubSignature, PREVIOUS_SIGNATURE_HEADER, SIGNATURE_HEADER, standardSignature } from '../signing/sign.js';

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

export interface VerifyOptions {
  /** Allowed clock difference for webhook-timestamp, in seconds (default 300). */
  toleranceSeconds?: number;
  /** For tests: the current time in ms. */
  now?: number;
}

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : bag[key];
  return Array.isArray(v) ? v[0] : v;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Verifies a delivery and answers the parsed JSON body. Throws WebhookVerificationError when the
 * signature is missing, wrong or too old. `rawBody` must be the bytes received, unparsed.
 */
export function verifyWebhook(rawBody: string | Buffer, headers: HeaderBag, secret: string, opts: VerifyOptions = {}): unknown {
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const sig = header(headers, 'webhook-signature');
  if (id && ts && sig) {
    const timestamp = Number(ts);
    if (!/^\d+$/.test(ts)) throw new WebhookVerificationError('invalid webhook-timestamp');
    const now = Math.floor((opts.now ?? Date.now()) / 1000);
    if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? 300)) throw new WebhookVerificationError('webhook-timestamp is too old or in the future');
    const expected = standardSignature(secret, id, timestamp, body);
    if (!sig.split(' ').some((s) => safeEqual(s, expected))) throw new WebhookVerificationError('no matching signature');
    return JSON.parse(body);
  }
  // Each header holds one value; splitting on spaces also accepts a sender from before the
  // Previous header, which put both values in X-Forjinn-Signature.
  const hub = [SIGNATURE_HEADER, PREVIOUS_SIGNATURE_HEADER].flatMap((name) => header(headers, name)?.split(' ') ?? []).filter(Boolean);
  if (hub.length > 0) {
    const expected = hubSignature(secret, body);
    if (!hub.some((s) => safeEqual(s, expected))) throw new WebhookVerificationError('no matching signature');
    return JSON.parse(body);
  }
  throw new WebhookVerificationError('missing signature headers');
}
