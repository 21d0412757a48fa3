// Test-only (shared/contract.ts): the Events API v2 endpoint and a routing key, the Events API's
// documented numbers as the checker (no validator library), its 202, and its status column.
import { bytes, chars, CHAT_ANSWERS, parsed, rule, type TargetContract } from '../shared/contract.js';

// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ (and shared/TARGETS.md).
const LIMITS = { summary: 1024, dedupKey: 255, routingKey: 32, eventBytes: 512 * 1024 } as const;
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

export const ROUTING_KEY = 'R0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5';

export const contract: TargetContract = {
  hookUrl: 'https://events.pagerduty.com/v2/enqueue',
  settings: { routingKey: ROUTING_KEY },
  secrets: [ROUTING_KEY],
  // PagerDuty reads its routing key from the body.
  bodyCarries: [ROUTING_KEY],
  goodAnswer: { status: 202, contentType: 'application/json', body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: 'k' }) },
  check(sent) {
    const problems: string[] = [];
    const bad = rule(problems);
    bad(bytes(sent.body) <= LIMITS.eventBytes, `${bytes(sent.body)} bytes, over ${LIMITS.eventBytes}`);
    const body = parsed(sent, problems);
    bad(body.routing_key?.length === LIMITS.routingKey, 'routing_key');
    bad(['trigger', 'resolve'].includes(body.event_action), `event_action ${body.event_action}`);
    bad(typeof body.dedup_key === 'string' && body.dedup_key.length >= 1 && body.dedup_key.length <= LIMITS.dedupKey, 'dedup_key');
    if (body.event_action !== 'trigger') return problems;
    const summary = body.payload?.summary ?? '';
    bad(chars(summary) >= 1 && chars(summary) <= LIMITS.summary, `summary of ${chars(summary)} characters`);
    bad(SEVERITIES.includes(body.payload?.severity), `severity ${body.payload?.severity}`);
    bad(typeof body.payload?.source === 'string' && body.payload.source !== '', 'no source');
    if (body.payload?.timestamp !== undefined) bad(new Date(body.payload.timestamp).toISOString() === body.payload.timestamp, 'timestamp not ISO 8601');
    // `links` are each an href and a text; no `images` (PagerDuty wants their src as https).
    bad(body.images === undefined, 'images sent');
    for (const link of body.links ?? []) bad(typeof link.href === 'string' && typeof link.text === 'string', 'a link without href and text');
    return problems;
  },
  flood: '{{output}} {{error.message}} {{input}}',
  validTemplate: '{{@headline}} in {{@subject}}',
  // https://developer.pagerduty.com/docs/events-api-v2/overview/#response-codes--retry-logic :
  // no "gone" answer but the shared 410, so 401/403/404 refuse.
  answers: { ...CHAT_ANSWERS, 401: 'refuse', 403: 'refuse', 404: 'refuse' },
};
