// What the API shows of a webhook: never a secret; its URL as shown-url.ts says; header values
// and secret-marked transformer settings hidden.
import { getTransformer, isSigned } from '../transformers/index.js';
import type { Webhook } from '../../store/webhooks.js';
import { HIDDEN } from '../../core/reveal.js';
import { shownUrl, type UrlAudience } from '../../core/shown-url.js';

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
  transformer: string;
  transformerConfig: Record<string, unknown>;
  /** One template for every event type, or one per type (`{ "<event_type>": "<template>" }`). */
  template: Webhook['template'];
  filters: Webhook['filters'];
  headers: Record<string, string>;
  maxAttempts: number | null;
  hasSecret: boolean;
  secretRotation: { previousSecretExpiresAt: string } | null;
  failureStreak: number;
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export { HIDDEN };

/** The settings of a transformer that are credentials (shown hidden, kept out of previews). */
export function secretFieldNames(transformer: string): Set<string> {
  return new Set((getTransformer(transformer)?.configFields ?? []).filter((f) => f.secret).map((f) => f.name));
}

export function toView(w: Webhook, audience: UrlAudience = 'workspace'): WebhookView {
  const secretFields = secretFieldNames(w.transformer);
  return {
    id: w.id,
    url: shownUrl(w, isSigned(w.transformer), audience),
    events: w.events,
    enabled: w.enabled,
    description: w.description,
    transformer: w.transformer,
    transformerConfig: Object.fromEntries(
      Object.entries(w.transformerConfig).map(([k, v]) => [k, secretFields.has(k) ? HIDDEN : v]),
    ),
    template: w.template,
    filters: w.filters,
    headers: Object.fromEntries(Object.keys(w.headers).map((k) => [k, HIDDEN])),
    maxAttempts: w.maxAttempts,
    hasSecret: w.secret !== null,
    secretRotation: w.previousSecretExpiresAt ? { previousSecretExpiresAt: w.previousSecretExpiresAt.toISOString() } : null,
    failureStreak: w.failureStreak,
    disabledReason: w.disabledReason,
    disabledAt: w.disabledAt?.toISOString() ?? null,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}
