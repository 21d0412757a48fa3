// In-process notifications between parts of the service (the Slack app listens for failures).
// Best effort by design: the database holds the truth, a listener only reacts to it.
import { EventEmitter } from 'node:events';

export interface BusEvents {
  /** A delivery failed for good (retries exhausted or refused). */
  'delivery.failed': [{ deliveryId: string; webhookId: string; attempt: number; reason: string | null }];
  /** The service disabled a webhook (410, a dead chat target, or a failure streak). */
  'webhook.disabled': [{ webhookId: string; reason: string }];
}

export class Bus extends EventEmitter<BusEvents> {}
