// The deliveries row, and the shapes the worker holds one in (read by a claim, or handed over by
// the ingest statement). One row type: every other shape is a part of it.
import type { EventRow } from '../events.js';

// pending: waiting for its next attempt (or in flight under a lease); succeeded, failed,
// cancelled: final until a redeliver or recover puts it back to pending.
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryRow {
  id: string;
  workspace_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  /** The attempt number after which a failure is final; redeliver and recover raise it. */
  attempt_limit: number;
  next_attempt_at: Date;
  /** Set while a worker holds the row (its lease); the row is claimable again once it has passed. */
  locked_until: Date | null;
  locked_by: string | null;
  /** What queued the next attempt ('redeliver' after a redeliver or recover); cleared when it is stored. */
  next_trigger: string | null;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  last_attempt_at: Date | null;
  created_at: Date;
  completed_at: Date | null;
}

/** A delivery leased by a claim, with what its attempt needs. */
export type ClaimedRow = Pick<DeliveryRow, 'id' | 'webhook_id' | 'attempts' | 'attempt_limit' | 'next_trigger' | 'event_type'> &
  Pick<EventRow, 'payload' | 'is_test' | 'external_id'> & {
    webhook_updated_at: Date;
    webhook_enabled: boolean;
    webhook_deleted: boolean;
  };

/** A delivery leased by the ingest statement, with what its attempt needs. */
export type HandedDelivery = Pick<ClaimedRow, 'id' | 'webhook_id' | 'attempt_limit' | 'event_type' | 'payload' | 'external_id' | 'webhook_updated_at'>;

/** A delivery as the request log shows it: the row's state and its event's id. */
export type LoggedDelivery = Omit<DeliveryRow, 'workspace_id' | 'locked_until' | 'locked_by' | 'next_trigger'> &
  Pick<EventRow, 'external_id' | 'is_test'>;
