// One attempt of one delivery, from render to the record the result writer stores. Shared by
// the worker, Send Test and redeliver, so all three behave and log the same way.
import type { GroupRender, RenderContext, Verdict } from '../transformers/types.js';
import type { Lease } from '../../store/deliveries/index.js';
import { classify, nextDelay } from './retry-policy.js';
import type { Sender, SendResult } from './http.js';
import { BOT_MODE_UNLINKED } from '../transformers/slack/bot-mode.js';
import { usesBotToken } from '../transformers/index.js';
import { keepHeaders, keepRequestBody, keepResponse, keepText, MAX_STORED_ERROR } from './stored.js';
import { buildRequest, hideValues, redactHeaders, RenderError, secretSettingValues, type PreparedWebhook, type WireRequest } from './request.js';
import { shownUrl } from '../../core/shown-url.js';
import { childTraceparent, NO_EXPORT, type EventTrace, type Span, type Tracer } from '../../core/trace.js';

export interface AttemptJob {
  deliveryId: string;
  /** The lease the attempt is sent under (its id is deliveryId): the result is written through it. */
  lease: Lease;
  /** The event's id (as the API shows it), for the delivery log line. */
  eventId?: string;
  eventType: string;
  payload: string;
  /** The number of this attempt (1 for the first). */
  attempt: number;
  /** A failure at or past this attempt number is final. */
  attemptLimit: number;
  trigger: 'auto' | 'test' | 'redeliver';
  /** The event is a Send Test's: rendered as a test whatever the trigger (a redelivered test). */
  test?: boolean;
  /** Grouped chat alerts: the message stands for this group (payload is its latest event). */
  group?: GroupRender;
  /** The event's trace (the platform's traceparent): the attempt is a child span of it. */
  trace?: EventTrace | null;
}

/**
 * Something to know about an attempt besides its outcome, stored after the reason in `error`:
 * a custom template that failed (the default was sent; counted in /metrics), fields cut to fit the
 * target, an answer whose body could not be read whole (the status still decided).
 */
export interface AttemptNote {
  kind: 'template' | 'truncated' | 'response_body';
  text: string;
}

export interface AttemptRecord {
  deliveryId: string;
  lease: Lease;
  webhookId: string;
  eventId: string | null;
  attempt: number;
  attemptLimit: number;
  trigger: AttemptJob['trigger'];
  verdict: Verdict;
  status: 'succeeded' | 'pending' | 'failed';
  nextAttemptAt: Date | null;
  requestUrl: string;
  requestHeaders: Record<string, string>;
  /** At most MAX_STORED_REQUEST_BODY (stored.ts); the receiver got the whole body. Null: the body
   *  sent was exactly the event's payload, stored once in events (keepRequestBody). */
  requestBody: string | null;
  requestBodyTruncated: boolean;
  /** As stored: body and headers within their bounds, bodyTruncated when the answer was longer. */
  response: (Extract<SendResult, { kind: 'response' }> & { bodyTruncated: boolean }) | null;
  durationMs: number;
  /** The verdict's reason, then the notes' texts. */
  error: string | null;
  notes: AttemptNote[];
  at: Date;
  /** For Send Test's answer only, never stored: the headers as the workspace may see them
   *  (redactHeaders 'as-sent': signatures shown, the operator's credentials not) and the body sent. */
  asSent: { headers: Record<string, string>; body: string } | null;
}

export interface AttemptDeps {
  sender: Sender;
  retryDelays: number[];
  renderCtx: RenderContext;
  now?: () => number;
  /** Whether a Slack team is linked to the workspace; bot mode is refused without it (and without this). */
  slackTeamLinked?: (workspaceId: string) => Promise<boolean>;
  /** Exports each attempt of a traced event as a span (OTEL_EXPORTER_OTLP_ENDPOINT set); absent: span ids only. */
  tracer?: Tracer;
}

export async function runAttempt(deps: AttemptDeps, p: PreparedWebhook, job: AttemptJob): Promise<AttemptRecord> {
  const now = deps.now?.() ?? Date.now();
  const at = new Date(now);
  const url = shownUrl(p.webhook, p.transformer.signed, 'workspace');
  let wire: WireRequest | null = null;
  let result: SendResult;
  // An attempt of a traced event is a child span of the platform's (core/trace.ts).
  const span: Span | null = job.trace
    ? (deps.tracer ?? NO_EXPORT).start('forjinn.attempt', 'client', job.trace, {
        'forjinn.webhook.id': p.webhook.id,
        'forjinn.delivery.id': job.deliveryId,
        'forjinn.event.id': job.eventId,
        'forjinn.event.type': job.eventType,
        'forjinn.attempt': job.attempt,
        'forjinn.transformer': p.transformer.name,
        'forjinn.trigger': job.trigger,
      })
    : null;
  try {
    // A link removed after the webhook was saved: the operator's token is not used for it.
    if (usesBotToken(p.transformer, p.config) && !(await deps.slackTeamLinked?.(p.webhook.workspaceId))) throw new RenderError(BOT_MODE_UNLINKED);
    // Send Test renders as a test on every target ([TEST] in chat, a PagerDuty test alert of its own).
    const base = job.group ? { ...deps.renderCtx, group: job.group } : deps.renderCtx;
    const renderCtx = job.trigger === 'test' || job.test ? { ...base, test: true } : base;
    const trace = job.trace && span ? { traceparent: childTraceparent(job.trace.parent, span.spanId), tracestate: job.trace.state } : null;
    wire = buildRequest(p, { deliveryId: job.deliveryId, eventType: job.eventType, payload: job.payload, now, trace }, renderCtx);
    result = await deps.sender.send(wire.url, wire.headers, wire.body, wire.method);
  } catch (e) {
    if (!(e instanceof RenderError)) {
      span?.end({}, e instanceof Error ? e.message : String(e));
      throw e;
    }
    result = { kind: 'error', reason: 'render_error', message: e.message, durationMs: 0 };
  }
  const verdict = classify(result, p.transformer.answers);
  span?.end(
    { 'http.response.status_code': result.kind === 'response' ? result.status : undefined, 'forjinn.outcome': verdict.outcome },
    verdict.outcome === 'success' ? null : verdict.reason,
  );
  let status: AttemptRecord['status'] = 'succeeded';
  let nextAttemptAt: Date | null = null;
  if (verdict.outcome === 'retry' && job.attempt < job.attemptLimit) {
    status = 'pending';
    const delay = nextDelay(verdict, deps.retryDelays, job.attempt);
    nextAttemptAt = new Date(now + result.durationMs + delay);
  } else if (verdict.outcome !== 'success') status = 'failed';
  const notes: AttemptNote[] = [];
  if (wire?.templateError) notes.push({ kind: 'template', text: `template error, default sent: ${wire.templateError}` });
  if (wire?.truncated.length) notes.push({ kind: 'truncated', text: `truncated: ${wire.truncated.join(', ')}` });
  if (result.kind === 'response' && result.bodyError) notes.push({ kind: 'response_body', text: `answer body not read whole (${result.bodyError})` });
  const error = verdict.outcome === 'success' ? null : verdict.reason;
  const errorText = [error, ...notes.map((n) => n.text)].filter(Boolean).join('; ');
  const secrets = secretSettingValues(p.transformer, p.config, p.webhook.transformerConfig);
  const storedBody = keepRequestBody(wire?.body ?? null, job.payload, (body) => hideValues(body, secrets));
  return {
    deliveryId: job.deliveryId,
    lease: job.lease,
    webhookId: p.webhook.id,
    eventId: job.eventId ?? null,
    attempt: job.attempt,
    attemptLimit: job.attemptLimit,
    trigger: job.trigger,
    verdict,
    status,
    nextAttemptAt,
    requestUrl: wire && !wire.url.startsWith(p.webhook.url) ? maskOther(wire.url, url) : url,
    requestHeaders: wire ? keepHeaders(redactHeaders(wire.headers, p.webhook.headers)) : {},
    // Secrets cut out before the body is shortened: a cut must not leave half a secret behind.
    requestBody: storedBody.text,
    requestBodyTruncated: storedBody.truncated,
    response: result.kind === 'response' ? keepResponse(result) : null,
    durationMs: result.durationMs,
    error: errorText === '' ? null : keepText(errorText, MAX_STORED_ERROR).text,
    notes,
    at,
    asSent: wire ? { headers: redactHeaders(wire.headers, p.webhook.headers, 'as-sent'), body: wire.body } : null,
  };
}

/** A rendered URL other than the webhook's own (Slack's API, Discord's ?wait=true) is shown without its query. */
function maskOther(url: string, fallback: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return fallback;
  }
}
