// The shapes the page reads from the /v1 API (see /openapi.json); only the fields it uses.

// The server's own definitions, so page and API cannot drift apart. Types are erased from the
// bundle; EVENT_TYPES is a small constant the bundle takes along.
export { EVENT_TYPES, type EventType, type ConfigField } from '../../../services/transformers/types.js';
export type { Filters } from '../../../services/webhooks/schema.js';
export type { WebhookView as Webhook } from '../../../services/webhooks/view.js';
import type { ConfigField, EventType } from '../../../services/transformers/types.js';
import type { RetentionWindow } from '../../../services/retention-window.js';

export const EVENT_LABELS: Record<EventType, string> = {
  flow_completed: 'Flow completed',
  agent_executed: 'Agent executed',
  dataset_updated: 'Dataset updated',
  evaluation_completed: 'Evaluation completed',
  error_occurred: 'Error occurred',
};

export interface Health {
  failureStreak: number;
  disabledReason: string | null;
  lastDelivery: { id: string; status: string; test: boolean; statusCode: number | null; error: string | null; attemptedAt: string | null } | null;
  last24h: { succeeded: number; failed: number; pending: number; total: number; successRate: number | null; capped: boolean };
}

export interface TransformerInfo {
  name: string;
  label: string;
  /** The plain receiver: signed deliveries, a signing secret, the URL shown in full. */
  signed: boolean;
  description: string | null;
  configFields: ConfigField[];
  defaultUrl: string | null;
  templateHelp: string | null;
  /** Grouped alerts (transformerConfig.group): whether a webhook without the setting groups, and the defaults; null: never grouped. */
  grouping: { byDefault: boolean; by: string[]; wait: string; interval: string; close: string } | null;
  defaultTemplates: Record<string, string | null>;
}

// The request log's shapes are the API's, shared with the CLI (core/request-log-types.ts).
export type { Attempt, Delivery, DeliveryDetail } from '../../../core/request-log-types.js';

export interface TestResult {
  deliveryId: string;
  outcome: string;
  error: string | null;
  request: { url: string; method: string; headers: Record<string, string>; body: string } | null;
  response: { status: number; headers: Record<string, string>; body: string; durationMs: number } | null;
  durationMs: number;
}

export interface EventRow {
  id: string;
  type: string;
  test: boolean;
  createdAt: string;
  deliveries: number;
  succeeded: number;
  failed: number;
  pending: number;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** The request log and the events list also say how far back history goes (null: forever). */
export interface HistoryPage<T> extends Page<T> {
  retention: RetentionWindow | null;
}
