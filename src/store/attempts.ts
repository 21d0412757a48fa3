// The attempts table: one row per request sent (or refused before sending), never changed once
// written. Written in batches by the result writer, in the transaction that moves the deliveries.
import type { Queryable } from './database.js';

export interface AttemptRow {
  /** bigserial: pg reads it as a string. */
  id: string;
  delivery_id: string;
  attempt: number;
  trigger: 'auto' | 'test' | 'redeliver';
  outcome: string;
  request_url: string;
  request_headers: Record<string, string>;
  /** Null: the body sent was exactly the event's payload (events.payload), stored once there. */
  request_body: string | null;
  request_body_truncated: boolean;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  response_body_truncated: boolean;
  duration_ms: number;
  error: string | null;
  created_at: Date;
}

/**
 * One finished attempt as the delivery engine records it (its AttemptRecord has this shape):
 * the attempt row, and the state its delivery moves to (deliveries/status.ts, recordResults).
 */
export interface FinishedAttempt {
  deliveryId: string;
  webhookId: string;
  attempt: number;
  trigger: AttemptRow['trigger'];
  verdict: { outcome: string };
  status: 'succeeded' | 'pending' | 'failed';
  nextAttemptAt: Date | null;
  requestUrl: string;
  requestHeaders: Record<string, string>;
  /** Null when the body sent was exactly the event's payload: stored once, in events. */
  requestBody: string | null;
  requestBodyTruncated: boolean;
  response: { status: number; headers: Record<string, string>; body: string; bodyTruncated: boolean } | null;
  durationMs: number;
  error: string | null;
  at: Date;
  /** Its lease had been taken over when the result was written: kept in the log, fenced from the delivery. */
  late?: boolean;
}

export async function insertAttempts(tx: Queryable, records: FinishedAttempt[]): Promise<void> {
  const col = <T>(f: (r: FinishedAttempt) => T) => records.map(f);
  await tx.query({
    name: 'insert-attempts',
    // Bodies and headers arrive within their bounds (stored.ts): what a cut kept, and that it was cut;
    // a NULL body is the event's payload (keepRequestBody).
    text: `insert into attempts (delivery_id, attempt, trigger, outcome, request_url, request_headers, request_body,
             response_status, response_headers, response_body, duration_ms, error, created_at,
             request_body_truncated, response_body_truncated, late)
           select * from unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[],
             $8::int[], $9::jsonb[], $10::text[], $11::int[], $12::text[], $13::timestamptz[], $14::bool[], $15::bool[], $16::bool[])`,
    values: [
      col((r) => r.deliveryId),
      col((r) => r.attempt),
      col((r) => r.trigger),
      col((r) => r.verdict.outcome),
      col((r) => r.requestUrl),
      col((r) => JSON.stringify(r.requestHeaders)),
      col((r) => r.requestBody),
      col((r) => r.response?.status ?? null),
      col((r) => (r.response ? JSON.stringify(r.response.headers) : null)),
      col((r) => r.response?.body ?? null),
      col((r) => r.durationMs),
      col((r) => r.error),
      col((r) => r.at),
      col((r) => r.requestBodyTruncated),
      col((r) => r.response?.bodyTruncated ?? false),
      col((r) => r.late ?? false),
    ],
  });
}

/**
 * A delivery's attempts in order, as the API shows them. A NULL request body was the event's
 * payload, sent as it is: it is shown whole from events (never cut, so never flagged truncated).
 */
export async function getAttempts(db: Queryable, deliveryId: string) {
  const { rows } = await db.query(
    // Stored bodies are cut past 64 KiB (request) and 16 KiB (answer); the flags say when.
    `select a.attempt, a.trigger, a.outcome, a.request_url as "url", a.request_headers as "requestHeaders",
       coalesce(a.request_body, e.payload) as "requestBody",
       a.request_body_truncated and a.request_body is not null as "requestBodyTruncated",
       a.response_status as "responseStatus", a.response_headers as "responseHeaders", a.response_body as "responseBody",
       a.response_body_truncated as "responseBodyTruncated",
       a.duration_ms as "durationMs", a.error, a.late, a.created_at as "createdAt"
     from attempts a
     join deliveries d on d.id = a.delivery_id
     join events e on e.id = d.event_id
     where a.delivery_id = $1 order by a.attempt, a.id`,
    [deliveryId],
  );
  return rows;
}
