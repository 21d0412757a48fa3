// The shapes the page reads from the /v1 API (see /openapi.json); only the fields it uses.

export const EVENT_TYPES = ['flow_completed', 'agent_executed', 'dataset_updated', 'evaluation_completed', 'error_occurred'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_LABELS: Record<EventType, string> = {
  flow_completed: 'Flow completed',
  agent_executed: 'Agent executed',
  dataset_updated: 'Dataset updated',
  evaluation_completed: 'Evaluation completed',
  error_occurred: 'Error occurred',
};

export interface Filters {
  chatflowIds?: string[];
  agentIds?: string[];
  datasetIds?: string[];
}

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
  transformer: string;
  transformerConfig: Record<string, unknown>;
  template: string | null;
  filters: Filters;
  hasSecret: boolean;
  secretRotation: { previousSecretExpiresAt: string } | null;
  failureStreak: number;
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Health {
  failureStreak: number;
  disabledReason: string | null;
  lastDelivery: { id: string; status: string; test: boolean; statusCode: number | null; error: string | null; attemptedAt: string | null } | null;
  last24h: { succeeded: number; failed: number; pending: number; total: number; successRate: number | null; capped: boolean };
}

export interface ConfigField {
  name: string;
  label: string;
  type: 'string' | 'enum' | 'boolean';
  required: boolean;
  secret?: boolean;
  options?: string[];
  help?: string;
}

export interface TransformerInfo {
  name: string;
  label: string;
  configFields: ConfigField[];
  defaultUrl: string | null;
  templateHelp: string | null;
  defaultTemplates: Record<string, string | null>;
}

export interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: string;
  test: boolean;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  lastAttemptAt: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface Attempt {
  attempt: number;
  trigger: string;
  outcome: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  createdAt: string;
}

/** GET /v1/deliveries/:id: `attempts` is the list of attempts here, not their count. */
export interface DeliveryDetail extends Omit<Delivery, 'attempts'> {
  event: Record<string, unknown>;
  attempts: Attempt[];
}

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
