// Ingest: validate, then one statement writes the event and one delivery per matching webhook.
// A single statement is its own transaction, so the API answers 202 only after both are
// committed, and a repeated id finds the first event instead of creating anything.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../core/context.js';
import { ApiError, invalid } from '../../core/errors.js';
import { parseInput } from '../../core/validate.js';
import { EVENT_SCHEMAS, eventTypeSchema } from './schemas.js';
import { batcherFor } from './batcher.js';
import type { PreparedEvent } from './insert.js';
import type { Dispatch } from './handoff.js';
import type { EventTrace, Span } from '../../core/trace.js';

export interface IngestResult {
  /** 202 when created, 200 when the id was seen before. */
  status: 202 | 200;
  body: { id: string; deliveries: number; duplicate?: true };
}

/** Validates an event body and builds the JSON exactly as it will be delivered; `trace` is the request's (core/trace.ts readTrace). */
export function prepareEvent(raw: unknown, workspaceName: string, idempotencyKey?: string, isTest = false, trace: EventTrace | null = null): PreparedEvent {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ApiError('validation_error', '(body): expected a JSON object', '(body)');
  }
  const { event } = parseInput(eventTypeSchema, { event: (raw as { event?: unknown }).event });
  const parsed = parseInput(EVENT_SCHEMAS[event], raw) as Record<string, unknown>;
  if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 200)) {
    throw new ApiError('validation_error', 'Idempotency-Key: 1 to 200 characters', 'Idempotency-Key');
  }
  // One id per event, the same in the API, the page, the delivered body and what targets derive
  // from it (PagerDuty's dedup_key): the body's `id`, else the Idempotency-Key, else a new UUID.
  // Both given and different would make two ids of one event: refused, naming both.
  const bodyId = parsed.id as string | undefined;
  if (bodyId !== undefined && idempotencyKey !== undefined && bodyId !== idempotencyKey) {
    throw invalid('id', `the body's id ${JSON.stringify(bodyId)} and the Idempotency-Key ${JSON.stringify(idempotencyKey)} differ; send one of them, or the same value in both`);
  }
  const id = bodyId ?? idempotencyKey ?? randomUUID();
  const body = {
    ...(raw as Record<string, unknown>),
    id,
    timestamp: parsed.timestamp ?? new Date().toISOString(),
    workspace: workspaceName,
    ...(isTest ? { test: true } : {}),
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id,
    type: event,
    payload: JSON.stringify(body),
    chatflowId: str(parsed.chatflowId),
    agentId: str(parsed.agentId),
    datasetId: str(parsed.datasetId),
    isTest,
    trace,
  };
}

export async function ingestEvent(
  ctx: AppContext,
  dispatch: Dispatch,
  workspace: { id: string; name: string },
  raw: unknown,
  idempotencyKey?: string,
  trace: EventTrace | null = null,
): Promise<IngestResult> {
  // A child span of the platform's, exported when tracing is on.
  const type = (raw as { event?: unknown } | null)?.event;
  const span = trace && dispatch.tracer?.start('forjinn.ingest', 'server', trace, { 'forjinn.event.type': typeof type === 'string' ? type : undefined });
  if (!span) return ingest(ctx, dispatch, workspace, raw, idempotencyKey, trace);
  return traced(span, ingest(ctx, dispatch, workspace, raw, idempotencyKey, trace), (r) => ({
    'forjinn.event.id': r.body.id,
    'forjinn.deliveries': r.body.deliveries,
    'http.response.status_code': r.status,
  }));
}

async function ingest(ctx: AppContext, dispatch: Dispatch, workspace: { id: string; name: string }, raw: unknown, idempotencyKey: string | undefined, trace: EventTrace | null): Promise<IngestResult> {
  const ev = prepareEvent(raw, workspace.name, idempotencyKey, false, trace);
  const out = await batcherFor(ctx, dispatch).add(workspace.id, ev);
  if (out.duplicate) return { status: 200, body: { id: out.id, deliveries: out.deliveries, duplicate: true } };
  if (out.deliveries > out.handed) dispatch.wake();
  return { status: 202, body: { id: out.id, deliveries: out.deliveries } };
}

/** Ends `span` once `work` has answered (with what `attributes` reads of the answer) or failed (its status, its message). */
export async function traced<T>(span: Span, work: Promise<T>, attributes: (result: T) => Record<string, string | number>): Promise<T> {
  try {
    const result = await work;
    span.end(attributes(result));
    return result;
  } catch (err) {
    span.end({ 'http.response.status_code': err instanceof ApiError ? err.status : 500 }, err instanceof Error ? err.message : String(err));
    throw err;
  }
}
