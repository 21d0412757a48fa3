// Hand-off: when a worker runs in the ingesting process, the ingest statement leases the new
// deliveries to it in the same commit, and the worker sends them at once. No claim, no NOTIFY,
// no second update of each row. The lease is the claim's lease: if this process dies, it runs
// out and any worker claims the rows. Rows over the worker's room stay unleased for claims.

import type { HookCaps } from './claim.js';

/** What one ingest statement may lease to the local worker: rows in all, and per webhook (the claim's caps). */
export interface LeasePlan extends HookCaps {
  workerId: string;
  leaseMs: number;
  /** Rows in all. */
  limit: number;
}

/** A delivery leased by the ingest statement, with what its attempt needs. */
export interface HandedDelivery {
  id: string;
  webhook_id: string;
  attempt_limit: number;
  event_type: string;
  payload: string;
  webhook_updated_at: Date;
}

export interface LocalWorker {
  /** Reserves room for one statement of `events` events; null when the worker has none (or is stopping). */
  plan(events: number): LeasePlan | null;
  /** Gives the reservation back, once the statement has answered (or failed). */
  release(plan: LeasePlan): void;
  /** Takes the rows the statement leased to it. */
  adopt(rows: HandedDelivery[]): void;
}

/**
 * How ingest tells the delivery engine about new deliveries: rows leased to the local worker in
 * the ingest statement itself, or a wake-up for the rest. The engine is one (engine.ts).
 */
export interface Dispatch {
  /** This process's worker, when one runs here. */
  local?: LocalWorker;
  /** New deliveries are due (a no-op without a worker here: other workers poll or hear NOTIFY). */
  wake(): void;
}

/** The plan's statement parameters (limit 0 leases nothing). */
export function leaseParams(plan: LeasePlan | null): [number, number, string, string[], number[], number] {
  if (!plan) return [0, 0, '', [], [], 0];
  return [plan.limit, plan.leaseMs, plan.workerId, plan.hooks, plan.caps, plan.defaultCap];
}
