// What a person needs from an event at a glance, computed once and drawn by every chat target in
// its own markup: how it went, what it was about (names and ids), who, how long, the links.
// Values here are plain, unescaped text; each target escapes them for its markup.
import type { EventType, ForjinnEvent, GroupRender, RenderContext } from '../types.js';
import { formatDuration, formatNumber, formatPercent } from './text.js';

export type Status = 'success' | 'warning' | 'error' | 'info';

export interface Fact {
  label: string;
  value: string;
  /** An id shown beside the value (in code style where the target has one). */
  id?: string;
}

export interface Link {
  label: string;
  url: string;
}

export interface EventView {
  status: Status;
  /** "Flow completed", "Agent failed", … */
  headline: string;
  /** The name (or id) of what the event is about. */
  subject: string;
  /** Emoji + headline + subject, with a test marker: the line a notification shows. */
  title: string;
  facts: Fact[];
  links: Link[];
  linkUrls: { chatflow: string | null; deliveries: string | null };
  /** "workspace default · event 6b0e… " (+ "test delivery"). */
  footer: string;
}

const EMOJI: Record<Status, string> = { success: '✅', warning: '⚠️', error: '🚨', info: 'ℹ️' };

/** A non-empty string (numbers too, ids are sometimes numeric), else undefined. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function field(event: ForjinnEvent, path: string): unknown {
  let value: unknown = event;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const text = (event: ForjinnEvent, path: string): string | undefined => str(field(event, path));

interface Described {
  status: Status;
  headline: string;
  subject: string;
  facts: Array<Fact | undefined>;
}

const fact = (label: string, value: string | undefined, id?: string): Fact | undefined =>
  value === undefined || value === '' ? undefined : { label, value, ...(id && id !== value ? { id } : {}) };

/** Name and id of a thing: the name when there is one, the id always. */
const named = (event: ForjinnEvent, label: string, nameKey: string, idKey: string): Fact | undefined => {
  const id = text(event, idKey);
  return fact(label, text(event, nameKey) ?? id, id);
};

function common(event: ForjinnEvent): Array<Fact | undefined> {
  return [
    fact('User', text(event, 'user')),
    fact('Duration', formatDuration(field(event, 'meta.duration_ms'))),
    fact('Tokens', formatNumber(field(event, 'meta.token_usage'))),
  ];
}

const DESCRIBE: Record<EventType, (event: ForjinnEvent) => Described> = {
  flow_completed: (e) => ({
    status: 'success',
    headline: 'Flow completed',
    subject: text(e, 'chatflowName') ?? text(e, 'chatflowId') ?? 'chatflow',
    facts: [named(e, 'Chatflow', 'chatflowName', 'chatflowId'), ...common(e), fact('Session', text(e, 'sessionId'))],
  }),
  agent_executed: (e) => {
    const status = text(e, 'status') ?? 'finished';
    const failed = /fail|error/i.test(status);
    const succeeded = /success|complete|finish/i.test(status);
    return {
      status: failed ? 'error' : succeeded ? 'success' : 'info',
      headline: failed ? 'Agent failed' : succeeded ? 'Agent succeeded' : `Agent ${status}`,
      subject: text(e, 'agentName') ?? text(e, 'agentId') ?? 'agent',
      facts: [
        named(e, 'Agent', 'agentName', 'agentId'),
        named(e, 'Chatflow', 'chatflowName', 'chatflowId'),
        fact('Status', status),
        ...common(e),
        fact('Sub-processes', Array.isArray(e.subProcesses) && e.subProcesses.length ? String(e.subProcesses.length) : undefined),
      ],
    };
  },
  dataset_updated: (e) => {
    const rows = [['added', 'rowsAdded'], ['updated', 'rowsUpdated'], ['deleted', 'rowsDeleted']]
      .filter(([, key]) => typeof field(e, key) === 'number')
      .map(([word, key]) => `${formatNumber(field(e, key))} ${word}`);
    return {
      status: 'info',
      headline: 'Dataset updated',
      subject: text(e, 'datasetName') ?? text(e, 'datasetId') ?? 'dataset',
      facts: [
        named(e, 'Dataset', 'datasetName', 'datasetId'),
        fact('Change', text(e, 'change')?.replace(/_/g, ' ')),
        fact('Rows', rows.join(' · ')),
        fact('Source', text(e, 'meta.source')),
        ...common(e),
      ],
    };
  },
  evaluation_completed: (e) => {
    const failedRuns = field(e, 'metrics.failed');
    const broken = /fail|error/i.test(text(e, 'status') ?? '');
    const someFailed = typeof failedRuns === 'number' && failedRuns > 0;
    const passed = field(e, 'metrics.passed');
    const total = field(e, 'metrics.total');
    const counts = typeof passed === 'number' && typeof total === 'number' ? ` (${passed} of ${total})` : '';
    return {
      status: broken ? 'error' : someFailed ? 'warning' : 'success',
      headline: broken ? 'Evaluation failed' : someFailed ? 'Evaluation completed with failures' : 'Evaluation passed',
      subject: text(e, 'evaluationName') ?? text(e, 'evaluationId') ?? 'evaluation',
      facts: [
        named(e, 'Evaluation', 'evaluationName', 'evaluationId'),
        fact('Pass rate', formatPercent(field(e, 'metrics.pass_rate')) + counts),
        fact('Failed', someFailed ? formatNumber(failedRuns) : undefined),
        fact('Avg latency', formatDuration(field(e, 'metrics.avg_latency_ms'))),
        fact('Tokens', formatNumber(field(e, 'metrics.total_tokens'))),
        named(e, 'Chatflow', 'chatflowName', 'chatflowId'),
        named(e, 'Dataset', 'datasetName', 'datasetId'),
        fact('User', text(e, 'user')),
        fact('Duration', formatDuration(field(e, 'meta.duration_ms'))),
      ],
    };
  },
  error_occurred: (e) => {
    const severity = text(e, 'severity');
    const code = [text(e, 'error.kind'), text(e, 'error.code')].filter(Boolean).join(' · ');
    return {
      status: 'error',
      headline: severity === 'critical' ? 'Critical error' : 'Error',
      subject: text(e, 'chatflowName') ?? text(e, 'chatflowId') ?? 'Forjinn',
      facts: [
        named(e, 'Chatflow', 'chatflowName', 'chatflowId'),
        fact('Severity', severity),
        fact('Error', code),
        fact('Node', text(e, 'error.nodeId')),
        ...common(e),
      ],
    };
  },
};

function fallbackDescribe(e: ForjinnEvent): Described {
  const words = String(e.event).replace(/_/g, ' ');
  return { status: 'info', headline: words.charAt(0).toUpperCase() + words.slice(1), subject: 'Forjinn', facts: common(e) };
}

/** `2026-06-15 12:00:05 UTC`: a grouped message's first and last time. */
const clock = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

const events = (n: number): string => `${formatNumber(n)} ${n === 1 ? 'event' : 'events'}`;

/** A resolved group's thread reply: when, and after how many events. */
export function resolvedReply(group: GroupRender): string {
  return `${EMOJI.success} Resolved at ${clock(group.resolvedAt ?? group.lastAt)} after ${events(group.count)}`;
}

/** A re-opened group's thread reply: when, and that the count goes on. */
export function reopenedReply(group: GroupRender): string {
  return `${EMOJI.error} Re-opened at ${clock(group.reopenedAt ?? group.lastAt)}: failing again after it was resolved (${events(group.count)} in all, counting on from ${formatNumber(group.reopenedAfter ?? 0)})`;
}

/** The thread reply of a grouped message that is one (GroupRender.reply). */
export const groupReply = (group: GroupRender): string => (group.reply === 'reopened' ? reopenedReply(group) : resolvedReply(group));

/** A re-opened group's fact: when, and how many of its events came since. */
const reopenedFact = (group: GroupRender): string => `${clock(group.reopenedAt ?? group.lastAt)}, failing again after it was resolved; ${events(group.count - (group.reopenedAfter ?? 0))} since`;

const trimSlash = (url: string): string => url.replace(/\/+$/, '');
/** encodeURIComponent leaves ( ) ' ! * as they are; Discord and Slack link syntax would end at them. */
const encodeId = (id: string): string =>
  encodeURIComponent(id).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function viewEvent(event: ForjinnEvent, ctx: RenderContext): EventView {
  // An event type from a newer producer still gets a message, just a plainer one.
  const described = (Object.hasOwn(DESCRIBE, event.event) ? DESCRIBE[event.event] : fallbackDescribe)(event);
  const chatflowId = text(event, 'chatflowId');
  const chatflow = ctx.appUrl && chatflowId ? `${trimSlash(ctx.appUrl)}/canvas/${encodeId(chatflowId)}` : null;
  const deliveries =
    ctx.publicUrl && ctx.webhookId ? `${trimSlash(ctx.publicUrl)}/#/webhooks/${encodeId(ctx.webhookId)}` : null;
  const links: Link[] = [];
  if (chatflow) links.push({ label: 'Open chatflow', url: chatflow });
  if (deliveries) links.push({ label: 'Delivery log', url: deliveries });
  const sep = described.headline.startsWith('Error') || described.headline.startsWith('Critical') ? ' in ' : ': ';
  // A grouped message (services/grouping): how many events it stands for, in the title and first fact.
  const group = ctx.group;
  const times = group ? `${formatNumber(group.count)} events` : '';
  // Resolved: a success of its chatflow or agent came after the group's failures.
  const resolved = group?.state === 'resolved';
  if (resolved) described.status = 'success';
  const reopened = !resolved && group?.reopenedAt !== undefined;
  const title = `${ctx.test ? '[TEST] ' : ''}${EMOJI[described.status]} ${resolved ? 'Resolved: ' : reopened ? 'Re-opened: ' : ''}${described.headline}${sep}${described.subject}${group && group.count > 1 ? ` (${times})` : ''}`;
  if (group) described.facts.unshift(fact('Events', `${times}, first ${clock(group.firstAt)}, last ${clock(group.lastAt)}`));
  if (group?.resolvedAt) described.facts.unshift(fact('Resolved', clock(group.resolvedAt)));
  if (group && reopened) described.facts.unshift(fact('Re-opened', reopenedFact(group)));
  const footer = [
    `workspace ${event.workspace ?? 'default'}`,
    group ? `latest event ${event.id}` : `event ${event.id}`,
    group ? 'grouped alert' : undefined,
    ctx.test ? 'test delivery' : undefined,
  ].filter(Boolean).join(' · ');
  return {
    status: described.status,
    headline: described.headline,
    subject: described.subject,
    title,
    facts: described.facts.filter((f): f is Fact => f !== undefined),
    links,
    linkUrls: { chatflow, deliveries },
    footer,
  };
}
