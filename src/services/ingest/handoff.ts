// Hand-off: the ingest statement leases new deliveries to the worker of the ingesting process in
// the same commit (store/deliveries/status.ts, insertEventsWithDeliveries), and the worker sends
// them at once. No claim, no NOTIFY, no second update of each row. Ingest says here what it needs
// of a worker; the delivery engine (services/delivery/engine.ts, worker.ts) provides it, so
// delivery depends on ingest and never the other way.

import type { HandedDelivery, LeasePlan } from '../../store/deliveries/index.js';
import type { Tracer } from '../../core/trace.js';

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
  /** Exports the spans of ingest (OTEL_EXPORTER_OTLP_ENDPOINT set): one per request with a trace. */
  tracer?: Tracer;
}
