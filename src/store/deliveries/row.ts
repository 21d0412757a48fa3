// The deliveries row, and the shapes the worker holds one in (read by a claim, or handed over by
// the ingest statement). One row type: every other shape is a part of it.
import type { EventRow } from '../events.js';

// pending: waiting for its next attempt (or in flight under a lease); succeeded, failed,
// cancelled: final until a redeliver or recover puts it back to pending; muted: made while a mute
// of its chatflow held (store/mutes.ts), never sent, out of the failure streak; a redeliver sends it.
// grouped: its event was counted in a grouped message (services/grouping), which another delivery of
// the group, named in last_error, sent; a redeliver sends the group's message again.
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled', 'muted', 'grouped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryRow {
  id: string;
  workspace_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  /** Attempt numbers handed out to leases so far; a lease's attempt is tries + 1 at its claim. */
  tries: number;
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

/**
 * `column` within a millisecond of `value`, a part_at as JavaScript holds it: node-pg and PGlite
 * read a timestamptz into a Date, to the millisecond (and a float's rounding can take one off),
 * where PostgreSQL keeps the microseconds of now(). An equality with such a Date never matches
 * (but for a row made on a whole millisecond); within a millisecond of it, with the row's id,
 * finds the one row on the primary key (id, part_at).
 */
export const nearPartAt = (column: string, value: string): string =>
  `${column} >= ${value} - interval '1 millisecond' and ${column} < ${value} + interval '1 millisecond'`;

/**
 * A lease: the handle every write after a claim goes through. The row is found by its primary
 * key (id, part_at: one partition) and changed only while `locked_by` is still this lease's token;
 * once another claim took the row over, the write changes nothing (a stale result is fenced).
 */
export interface Lease {
  id: string;
  part_at: Date;
  /** This lease's token: unique per claim (and per ingest hand-off), not per worker. */
  locked_by: string;
}

/** A delivery leased by a claim (or the ingest hand-off), with what its attempt needs. */
export type ClaimedRow = Lease &
  Pick<DeliveryRow, 'webhook_id' | 'attempt_limit' | 'next_trigger' | 'event_type'> &
  Pick<EventRow, 'payload' | 'is_test' | 'external_id' | 'trace_parent' | 'trace_state'> & {
    /** This lease's attempt number (tries + 1 at the claim): never the same for two leases. */
    attempt: number;
    webhook_updated_at: Date;
    webhook_enabled: boolean;
    webhook_deleted: boolean;
  };

/** A delivery leased by the ingest statement: a ClaimedRow of a new delivery of a live webhook. */
export type HandedDelivery = Omit<ClaimedRow, 'webhook_enabled' | 'webhook_deleted' | 'next_trigger' | 'is_test'>;

/** A delivery as the request log shows it: the row's state and its event's id. */
export type LoggedDelivery = Omit<DeliveryRow, 'workspace_id' | 'locked_until' | 'locked_by' | 'next_trigger' | 'tries'> &
  Pick<EventRow, 'external_id' | 'is_test'>;
