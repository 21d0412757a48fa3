// The write of ingest: events and their deliveries in one statement (store/deliveries/status.ts),
// what it leased handed to the local worker, and one outcome per event. Used by the group commit
// (batcher.ts) and POST /v1/events/batch alike.
import type { AppContext } from '../../core/context.js';
import type { EventType } from '../transformers/types.js';
import type { Dispatch } from './handoff.js';
import { insertEventsWithDeliveries, type HandedDelivery, type IngestedEvent } from '../../store/deliveries/index.js';
import { deliveryCounts } from '../../store/events.js';
import type { EventTrace } from '../../core/trace.js';

/** An event validated and serialised as it will be delivered (prepareEvent, ingest.ts). */
export interface PreparedEvent {
  id: string;
  type: EventType;
  payload: string;
  chatflowId: string | null;
  agentId: string | null;
  datasetId: string | null;
  isTest: boolean;
  /** The platform's trace (a valid traceparent on the request), or null. */
  trace: EventTrace | null;
}

/** The deliveries leased to the local worker (under the plan's lease, attempt 1), with their events' payloads (already in memory). */
function handedRows(rows: IngestedEvent[], events: PreparedEvent[], lease: string): HandedDelivery[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  const out: HandedDelivery[] = [];
  for (const r of rows) {
    if (!r.ids) continue;
    const ev = byId.get(r.external_id)!;
    r.ids.forEach((id, i) =>
      out.push({
        id,
        part_at: r.parts![i],
        locked_by: lease,
        attempt: 1,
        webhook_id: r.hooks![i],
        attempt_limit: r.limits![i],
        event_type: ev.type,
        payload: ev.payload,
        external_id: ev.id,
        trace_parent: ev.trace?.parent ?? null,
        trace_state: ev.trace?.state ?? null,
        webhook_updated_at: r.versions![i],
      }),
    );
  }
  return out;
}

export interface EventOutcome {
  id: string;
  deliveries: number;
  /** The id was seen before (or earlier in the same batch): nothing new was stored. */
  duplicate: boolean;
  /** Deliveries leased to this process's worker (the rest wait for a claim). */
  handed: number;
}

/** Writes events and their deliveries in one statement; one outcome per event, in order. */
export async function insertEvents(
  ctx: Pick<AppContext, 'db' | 'config'>,
  { local }: Pick<Dispatch, 'local'>,
  workspaceId: string,
  events: PreparedEvent[],
): Promise<EventOutcome[]> {
  const db = ctx.db.pool;
  // Attempts for webhooks without maxAttempts: the first one plus one per retry delay.
  const defaultAttempts = ctx.config.FORJINN_RETRY_DELAYS.length + 1;
  const notify = ctx.db.kind === 'postgres';
  const plan = local?.plan(events.length) ?? null;
  let rows: IngestedEvent[];
  try {
    // One statement for the whole batch (store/deliveries/status.ts), leasing to the local worker what it has room for.
    rows = await insertEventsWithDeliveries(db, workspaceId, events, defaultAttempts, notify, plan);
  } finally {
    if (plan) local!.release(plan);
  }
  if (plan) local!.adopt(handedRows(rows, events, plan.lease));
  const created = new Map(rows.map((r) => [r.external_id, r.deliveries]));
  const handed = new Map(rows.map((r) => [r.external_id, r.ids?.length ?? 0]));
  const missing = events.filter((e) => !created.has(e.id)).map((e) => e.id);
  const existing = new Map<string, number>();
  if (missing.length) {
    for (const r of await deliveryCounts(db, workspaceId, missing)) existing.set(r.external_id, r.deliveries);
  }
  const seen = new Set<string>();
  return events.map((e) => {
    const first = created.has(e.id) && !seen.has(e.id);
    seen.add(e.id);
    return {
      id: e.id,
      deliveries: first ? created.get(e.id)! : (existing.get(e.id) ?? created.get(e.id) ?? 0),
      duplicate: !first,
      handed: first ? handed.get(e.id)! : 0,
    };
  });
}
