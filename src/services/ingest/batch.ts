// POST /v1/events/batch: up to 500 events, each validated and idempotent on its own, all the
// valid ones (and their deliveries) written in one statement, answered event by event.
import type { AppContext } from '../../core/context.js';
import { ApiError, invalid } from '../../core/errors.js';
import { checkJsonDepth } from '../../core/validate.js';
import { insertEvents, type PreparedEvent } from './insert.js';
import type { Dispatch } from './handoff.js';
import { batcherFor } from './batcher.js';
import type { EventTrace } from '../../core/trace.js';
import { prepareEvent, traced } from './ingest.js';

export const MAX_BATCH_EVENTS = 500;

type Result =
  | { index: number; status: 202 | 200; id: string; deliveries: number; duplicate?: true }
  | { index: number; status: 400; error: { code: string; message: string; field?: string } };

/** `trace`: the request's (core/trace.ts readTrace), stored with every event of the batch. */
export async function ingestBatch(ctx: AppContext, dispatch: Dispatch, workspace: { id: string; name: string }, raw: unknown, trace: EventTrace | null = null) {
  // One span for the request (exported when tracing is on), a child of the platform's.
  const span = trace && dispatch.tracer?.start('forjinn.ingest', 'server', trace, { 'forjinn.batch': true });
  const work = ingest(ctx, dispatch, workspace, raw, trace);
  return span ? traced(span, work, (r) => ({ 'forjinn.events.accepted': r.accepted, 'forjinn.events.duplicate': r.duplicates, 'forjinn.events.rejected': r.rejected, 'http.response.status_code': 200 })) : work;
}

async function ingest(ctx: AppContext, dispatch: Dispatch, workspace: { id: string; name: string }, raw: unknown, trace: EventTrace | null) {
  const events = (raw as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) throw invalid('events', 'is required: an array of events');
  if (events.length === 0 || events.length > MAX_BATCH_EVENTS) throw invalid('events', `must hold 1 to ${MAX_BATCH_EVENTS} events`);
  const results: Result[] = new Array(events.length);
  const valid: Array<{ index: number; ev: PreparedEvent }> = [];
  events.forEach((body, index) => {
    try {
      // Each event is measured from its own root, as a single POST /v1/events would be: one
      // nested too deeply is refused here, alone (app.ts leaves a batch's depth to this).
      checkJsonDepth(body);
      valid.push({ index, ev: prepareEvent(body, workspace.name, undefined, false, trace) });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const { error } = e.toJSON();
      const field = `events.${index}${error.field && error.field !== '(body)' ? `.${error.field}` : ''}`;
      results[index] = { index, status: 400, error: { code: error.code, message: `${field}: ${e.message.replace(/^[^:]*: /, '')}`, field } };
    }
  });
  if (valid.length) {
    // Counted with the single events that wait for the database (back-pressure, batcher.ts).
    const load = batcherFor(ctx, dispatch);
    load.admit(valid.length);
    const out = await insertEvents(ctx, dispatch, workspace.id, valid.map((v) => v.ev)).finally(() => load.settle(valid.length));
    out.forEach((o, i) => {
      const index = valid[i].index;
      results[index] = o.duplicate ? { index, status: 200, id: o.id, deliveries: o.deliveries, duplicate: true } : { index, status: 202, id: o.id, deliveries: o.deliveries };
    });
    if (out.some((o) => o.deliveries > o.handed)) dispatch.wake();
  }
  const count = (s: number) => results.filter((r) => r.status === s).length;
  return { accepted: count(202), duplicates: count(200), rejected: count(400), results };
}
