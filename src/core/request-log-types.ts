// The request log as the API answers it (GET /v1/webhooks/{id}/deliveries, GET /v1/deliveries/{id}):
// types only, read by the settings page and by the CLI's `deliveries` commands; and what a
// listener's stream sends `listen` (ForwardedRequest).

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
  /** Only the start of the body was stored (64 KiB); the receiver got all of it. */
  requestBodyTruncated: boolean;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  /** The answer was longer than the 16 KiB kept. */
  responseBodyTruncated: boolean;
  durationMs: number;
  error: string | null;
  createdAt: string;
}

/** GET /v1/deliveries/:id: `attempts` is the list of attempts here, not their count. */
export interface DeliveryDetail extends Omit<Delivery, 'attempts'> {
  event: Record<string, unknown>;
  attempts: Attempt[];
}

/** What a listener's stream (GET /v1/listeners/:id/stream) sends for one attempt: the exact signed request a receiver gets. */
export interface ForwardedRequest {
  deliveryId: string;
  attempt: number;
  eventId: string;
  eventType: string;
  headers: Record<string, string>;
  body: string;
}
