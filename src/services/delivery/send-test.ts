// Send Test: a sample event (or one given) through the same render → sign → send path, at
// once; the answer shows the request as sent (less the operator's credentials) and the
// receiver's response, and the attempt is logged like any other (as a test, not counted
// towards the webhook's health).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SAMPLE_EVENTS } from '../transformers/samples.js';
import { EVENT_TYPES, type EventType } from '../transformers/types.js';
import type { AppContext } from '../../core/context.js';
import { withTransaction } from '../../store/database.js';
import { insertTestEvent } from '../../store/events.js';
import { insertTestDelivery } from '../../store/deliveries/index.js';
import { prepareEvent } from '../ingest/ingest.js';
import { parseInput } from '../../core/validate.js';
import { getWebhookRow } from '../../store/webhooks.js';
import { ApiError, notFound } from '../../core/errors.js';
import { runAttempt } from './attempt.js';
import type { Engine } from './engine.js';

const testSchema = z
  .object({
    event: z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }).optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export async function sendTest(engine: Engine, ctx: AppContext, workspace: { id: string; name: string }, webhookId: string, raw: unknown) {
  const input = parseInput(testSchema, raw);
  const row = await getWebhookRow(ctx.db.pool, workspace.id, webhookId);
  if (!row) throw notFound('webhook');
  // A listener's deliveries go only to its CLI's stream: the service never sends to its forward URL itself.
  if (row.listener_until !== null) throw new ApiError('conflict', 'a listener (forjinn-webhooks listen) is not sent tests by the service: emit an event (forjinn-webhooks emit) and listen forwards it');
  const prepared = engine.cache.prepare(row);
  const firstSubscribed = row.events.find((e) => e !== '*') as EventType | undefined;
  const type: EventType = input.event ?? (input.payload?.event as EventType | undefined) ?? firstSubscribed ?? 'flow_completed';
  const sample = { ...(input.payload ?? SAMPLE_EVENTS[type]), event: type, id: `test_${randomUUID()}`, timestamp: new Date().toISOString() };
  const ev = prepareEvent(sample, workspace.name, undefined, true);

  const lease = await withTransaction(ctx.db, async (tx) => {
    const eventId = await insertTestEvent(tx, workspace.id, ev.id, ev.type, ev.payload);
    return insertTestDelivery(tx, workspace.id, row.id, eventId, ev.type, `send-test:${randomUUID()}`);
  });
  const deliveryId = lease.id;

  const record = await runAttempt(engine.deps, prepared, {
    deliveryId,
    lease,
    eventId: ev.id,
    eventType: ev.type,
    payload: ev.payload,
    attempt: 1,
    attemptLimit: 1,
    trigger: 'test',
  });
  engine.metrics.observe(record, prepared.transformer.name);
  await engine.writer.add(record);
  return {
    deliveryId,
    eventId: ev.id,
    outcome: record.verdict.outcome,
    error: record.error,
    // Headers through the one redaction rule (request.ts): the operator's credentials never shown.
    request: record.asSent ? { url: record.requestUrl, method: 'POST', headers: record.asSent.headers, body: record.asSent.body } : null,
    response: record.response
      ? { status: record.response.status, headers: record.response.headers, body: record.response.body, durationMs: record.response.durationMs }
      : null,
    durationMs: record.durationMs,
  };
}
