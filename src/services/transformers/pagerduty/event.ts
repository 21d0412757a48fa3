// The PagerDuty Events API v2 event for a Forjinn event: which action, which dedup key, which
// severity, and the payload with the event's details clipped to size.
import { createHash } from 'node:crypto';
import { field, str, type EventView } from '../shared/event-view.js';
import { truncate } from '../shared/text.js';
import type { ForjinnEvent, RenderContext, SendRate, VendorLimit } from '../types.js';

// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
export const PAGERDUTY_SUMMARY_MAX = 1024;
export const PAGERDUTY_DEDUP_KEY_MAX = 255;
const TRIGGER_DOC = 'https://developer.pagerduty.com/docs/events-api-v2/trigger-events/';
export const PAGERDUTY_LIMITS: readonly VendorLimit[] = [
  { what: 'payload.summary', max: PAGERDUTY_SUMMARY_MAX, unit: 'characters', doc: TRIGGER_DOC },
  { what: 'dedup_key', max: PAGERDUTY_DEDUP_KEY_MAX, unit: 'characters', doc: TRIGGER_DOC },
  { what: 'event', max: 512 * 1024, unit: 'bytes', doc: TRIGGER_DOC },
];
/** 120 events a minute per routing key (integration), then 429: the worker paces each key to it. */
export const PAGERDUTY_RATE: SendRate = { requests: 120, perMs: 60_000, per: 'routing key', doc: 'https://developer.pagerduty.com/docs/events-api-v2/overview/#response-codes--retry-logic' };

/** The destination PagerDuty counts events per: the routing key, kept only as its hash. */
export function routingKeyDestination(config: unknown, url: string): string {
  const key = config && typeof config === 'object' ? (config as Record<string, unknown>).routingKey : undefined;
  return typeof key === 'string' ? `pagerduty key ${createHash('sha256').update(key.trim()).digest('hex').slice(0, 32)}` : url;
}
export const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof PAGERDUTY_SEVERITIES)[number];
// The whole event may be 512 KB; details are for reading in the incident, so each text is kept
// to a screenful and long lists to their head.
const DETAIL_TEXT_MAX = 2000;
const DETAIL_ITEMS_MAX = 20;
const DETAIL_DEPTH_MAX = 6;

/**
 * One key per chatflow (workspace + chatflowId), so every failure of a chatflow lands in one
 * alert and the next flow_completed of that chatflow resolves it. The key cannot include the
 * error kind: a completion does not know which error it ends.
 */
export function dedupKey(...parts: string[]): string {
  return hashedKey('forjinn-', parts);
}

function hashedKey(prefix: string, parts: string[]): string {
  return `${prefix}${createHash('sha256').update(parts.join('\u0000')).digest('hex')}`.slice(0, PAGERDUTY_DEDUP_KEY_MAX);
}

/**
 * A Send Test's key: its own test event (a fresh id each time) under a prefix of its own, so a
 * test alert never lands in a chatflow's real incident, and no later event resolves it.
 */
export function testKey(event: ForjinnEvent): string {
  return hashedKey('forjinn-test-', [event.workspace ?? 'default', event.id]);
}

export function chatflowKey(event: ForjinnEvent): string | undefined {
  const chatflowId = str(field(event, 'chatflowId'));
  return chatflowId ? dedupKey('chatflow', event.workspace ?? 'default', chatflowId) : undefined;
}

export interface Plan {
  action: 'trigger' | 'resolve';
  dedupKey: string;
  severity: Severity;
}

const EVENT_SEVERITY: Record<string, Severity> = { critical: 'critical', error: 'error', warning: 'warning', info: 'info' };

/** What to send for an event; `override` is the webhook's severity setting; `test` a Send Test. */
export function plan(event: ForjinnEvent, view: EventView, resolveOnSuccess: boolean, override?: Severity, test = false): Plan {
  // A Send Test of any type is an alert of its own: it resolves nothing real (a tested
  // flow_completed would close the chatflow's open incident), and is info whatever the event or
  // the setting says, so it is never critical (info and warning are low urgency where a service
  // takes urgency from severity).
  if (test) return { action: 'trigger', dedupKey: testKey(event), severity: 'info' };
  const workspace = event.workspace ?? 'default';
  const ownKey = dedupKey('event', workspace, event.id);
  const byChatflow = chatflowKey(event);
  const derived: Severity = view.status === 'error' ? 'error' : view.status === 'warning' ? 'warning' : 'info';

  if (event.event === 'flow_completed' && resolveOnSuccess && byChatflow) {
    return { action: 'resolve', dedupKey: byChatflow, severity: 'info' };
  }
  if (event.event === 'error_occurred') {
    const severity = EVENT_SEVERITY[String(field(event, 'severity'))] ?? 'error';
    const key = byChatflow ?? dedupKey('error', workspace, String(field(event, 'error.kind')), String(field(event, 'error.code')));
    return { action: 'trigger', dedupKey: key, severity: override ?? severity };
  }
  if (event.event === 'agent_executed' && view.status === 'error') {
    return { action: 'trigger', dedupKey: byChatflow ?? ownKey, severity: override ?? 'error' };
  }
  // Everything else is news, not an outage: its own alert, keyed by the event id so a retried
  // delivery deduplicates instead of opening a second alert.
  return { action: 'trigger', dedupKey: ownKey, severity: override ?? derived };
}

/** Strings cut, lists shortened, nesting bounded; every cut recorded with its path. */
function clip(value: unknown, path: string, truncated: string[], depth = 0): unknown {
  if (typeof value === 'string') {
    const cut = truncate(value, DETAIL_TEXT_MAX);
    if (cut.cut) truncated.push(path);
    return cut.text;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= DETAIL_DEPTH_MAX) {
    truncated.push(path);
    return '…';
  }
  if (Array.isArray(value)) {
    if (value.length > DETAIL_ITEMS_MAX) truncated.push(path);
    return value.slice(0, DETAIL_ITEMS_MAX).map((item, i) => clip(item, `${path}[${i}]`, truncated, depth + 1));
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, clip(item, `${path}.${key}`, truncated, depth + 1)]),
  );
}

export interface PayloadInput {
  event: ForjinnEvent;
  view: EventView;
  ctx: RenderContext;
  summary: string;
  severity: Severity;
}

export function payload({ event, view, ctx, summary, severity }: PayloadInput, truncated: string[]): Record<string, unknown> {
  const cut = truncate(`${ctx.test ? '[TEST] ' : ''}${summary}`, PAGERDUTY_SUMMARY_MAX);
  if (cut.cut) truncated.push('payload.summary');
  const ms = Date.parse(event.timestamp);
  let source = 'forjinn';
  try {
    if (ctx.appUrl) source = new URL(ctx.appUrl).hostname;
  } catch {
    // A malformed FORJINN_APP_URL is a config problem reported elsewhere; keep the default.
  }
  const details = ctx.test ? { ...event, test: true } : event;
  return {
    summary: cut.text,
    // PagerDuty prefers the host of the affected system; the workspace is the group.
    source,
    severity,
    ...(Number.isNaN(ms) ? {} : { timestamp: new Date(ms).toISOString() }),
    component: view.subject,
    group: event.workspace ?? 'default',
    class: event.event === 'error_occurred' ? (str(field(event, 'error.kind')) ?? 'error') : event.event,
    custom_details: clip(details, 'payload.custom_details', truncated),
  };
}
