// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` and `tracestate` a
// platform sends with an event, read at ingest (stored with the event) and handed on to generic
// receivers, each attempt as a child span of the platform's: same trace id, a span id of its own,
// the sampled flag and tracestate as received. An invalid traceparent is ignored, never an error
// (the spec's rule), and so is the tracestate beside it.
import { randomBytes } from 'node:crypto';

/** An event's trace as stored: the platform's traceparent (normalised to version 00) and its tracestate. */
export interface EventTrace {
  /** `00-<trace id>-<the platform's span id>-<flags>`. */
  parent: string;
  /** As received (list-members joined by commas when sent in several headers), or null. */
  state: string | null;
}

// version-traceid-parentid-flags; a later version may add fields after another dash.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-|$)/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
/** The spec asks to keep at least 512 characters of tracestate; a longer one (or one with other than printable ASCII) is dropped. */
const MAX_TRACESTATE = 512;
const TRACESTATE = /^[\x20-\x7e]*$/;

/** The trace of the headers, or null when traceparent is absent or invalid (the spec: ignored, with its tracestate). */
export function readTrace(traceparent: unknown, tracestate: unknown): EventTrace | null {
  if (typeof traceparent !== 'string' || traceparent.length < 55) return null;
  const m = TRACEPARENT.exec(traceparent);
  if (!m) return null;
  const [, version, traceId, spanId, flags] = m;
  // Version ff is invalid; version 00 has exactly these four fields.
  if (version === 'ff' || (version === '00' && traceparent.length !== 55)) return null;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return null;
  // Only the sampled flag is defined: the others are not handed on.
  const parent = `00-${traceId}-${spanId}-${parseInt(flags, 16) & 1 ? '01' : '00'}`;
  return { parent, state: stateOf(tracestate) };
}

function stateOf(tracestate: unknown): string | null {
  if (typeof tracestate !== 'string') return null;
  const s = tracestate.trim();
  return s.length > 0 && s.length <= MAX_TRACESTATE && TRACESTATE.test(s) ? s : null;
}

/** The trace id of a stored traceparent. */
export const traceIdOf = (parent: string): string => parent.slice(3, 35);
/** The platform's span id of a stored traceparent: the parent of the service's spans. */
export const parentSpanOf = (parent: string): string => parent.slice(36, 52);
/** Whether the platform sampled the trace. */
export const sampledOf = (parent: string): boolean => parent.endsWith('-01');

/** A new span id: 8 random bytes, never all zero. */
export function newSpanId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (id !== ZERO_SPAN) return id;
  }
}

/** The traceparent of a child span `spanId` of the stored trace: what a receiver gets. */
export function childTraceparent(parent: string, spanId: string): string {
  return `00-${traceIdOf(parent)}-${spanId}-${sampledOf(parent) ? '01' : '00'}`;
}

// ---- The service's own spans (exported with OTEL_EXPORTER_OTLP_ENDPOINT set) ----

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** A span of the service, child of the platform's. */
export interface Span {
  /** Its span id: what a receiver gets in traceparent. */
  readonly spanId: string;
  /** Ends it with more attributes; `error` marks it failed with that message. */
  end(attributes?: SpanAttributes, error?: string | null): void;
}

/** Starts the service's spans: the OpenTelemetry SDK's (services/tracing), or only span ids (NO_EXPORT). */
export interface Tracer {
  /** `kind`: server for ingest (the platform's request), client for an attempt (a request out). */
  start(name: string, kind: 'server' | 'client', parent: EventTrace, attributes: SpanAttributes): Span;
  /** Exports what is left (at shutdown). */
  shutdown(): Promise<void>;
}

/** Without an exporter: a span id per attempt for the receiver's traceparent, nothing recorded. */
export const NO_EXPORT: Tracer = {
  start: () => ({ spanId: newSpanId(), end: () => {} }),
  shutdown: async () => {},
};
