// Grouped chat alerts (issue 14, items 1, 2 and 6): what happens to a delivery of a grouped webhook
// when the worker has leased it, before any slot or request. Everything is in the database, in one
// transaction per delivery, so a crash during `group.wait` loses nothing:
//
// - the first event of a group: its delivery becomes the group's carrier, held back (pending) until
//   `wait` has passed; it then sends the group's message (how many, first and last time, the
//   latest event);
// - an event while a carrier waits: counted in the group and its delivery stored `grouped`,
//   naming the carrier (in the request log, never sent on its own);
// - an event when none waits (the message went out): its delivery is the next carrier, due
//   `interval` after the last message (at once if that has passed);
// - a delivery that joined the group before (a carrier due or retried, a redeliver): sends the
//   group's message as it is now.
// A carrier is an ordinary delivery: retried, logged and paced like any. Where the target can edit
// (grouping.messageRef), the first message's id is kept and later messages edit it; otherwise each
// is a new message, one digest per interval. A group quiet for `close` is closed: the next event
// starts a new one. A success resolves a group of failures (its message updated to resolved); a
// failure of the key before the group is quiet for `close` re-opens it (the same message, back to
// failing, counting on); a thread reply tells each where the target has threads.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../../store/database.js';
import { withTransaction } from '../../store/database.js';
import { countEvent, groupOfDelivery, lockGroup, markResolved, markSending, openGroup, openGroupsAbout, setCarrier, setMessageId, setReopenReply, setReply, type AlertGroupRow } from '../../store/alert-groups.js';
import { insertGroupDelivery, joinGroup, type Lease } from '../../store/deliveries/index.js';
import type { GroupSetting } from '../transformers/index.js';
import { field, viewEvent } from '../transformers/shared/event-view.js';
import type { ForjinnEvent, GroupRender, TargetResponse, Transformer } from '../transformers/types.js';

/** What the worker does with the delivery: send it as the group's message (this payload, this group), or nothing (held or grouped). */
export type GroupDecision = ({ kind: 'send'; payload: string; group: GroupRender } | { kind: 'held' } | { kind: 'lost' }) & {
  /** Deliveries were made due now (a resolved group's messages): the worker should look for them. */
  more?: boolean;
};

export interface GroupedDelivery {
  lease: Lease;
  /** The event's JSON as stored. */
  payload: string;
}

/** The group key: the values of the `by` fields (absent: empty), hashed to a bounded key. */
export function groupKey(event: ForjinnEvent, by: readonly string[]): string {
  const values = by.map((path) => {
    const v = field(event, path);
    return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  });
  return createHash('sha256').update(JSON.stringify(values)).digest('hex');
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

const render = (g: AlertGroupRow, reply: GroupRender['reply']): GroupRender => ({
  id: g.id,
  count: g.event_count,
  firstAt: g.first_event_at.toISOString(),
  lastAt: g.last_event_at.toISOString(),
  ...(g.message_id ? { messageId: g.message_id } : {}),
  state: g.state === 'resolved' ? 'resolved' : 'open',
  ...(g.resolved_at ? { resolvedAt: g.resolved_at.toISOString() } : {}),
  ...(g.state === 'open' && g.reopened_at ? { reopenedAt: g.reopened_at.toISOString(), reopenedAfter: g.reopened_after ?? 0 } : {}),
  ...(reply ? { reply } : {}),
});

const send = (g: AlertGroupRow, reply?: GroupRender['reply']): GroupDecision => ({ kind: 'send', payload: g.latest_payload ?? '{}', group: render(g, reply) });

/** How the event went, as every chat message shows it (shared/event-view.ts): a success resolves, an error is resolved. */
const statusOf = (event: ForjinnEvent) => viewEvent(event, {}).status;
const RESOLVING = new Set(['flow_completed', 'agent_executed']);

/**
 * A success of a chatflow or agent (flow_completed, a successful agent_executed) resolves the
 * webhook's open groups of its failures: each is marked resolved and its next message, due now,
 * says so (the carrier already waiting, or one more delivery of this event). Answers how many.
 */
async function resolveGroups(tx: Queryable, webhookId: string, event: ForjinnEvent, about: { chatflowId: string | null; agentId: string | null }, from: Lease): Promise<number> {
  if (!RESOLVING.has(event.event) || statusOf(event) !== 'success') return 0;
  let n = 0;
  for (const g of await openGroupsAbout(tx, webhookId, about)) {
    if (!g.latest_payload || statusOf(JSON.parse(g.latest_payload) as ForjinnEvent) !== 'error') continue;
    await markResolved(tx, g.id, g.carrier_id ? null : ((await insertGroupDelivery(tx, from, g.id)) ?? null));
    n += 1;
  }
  return n;
}

/** Takes a leased delivery of a webhook grouped by `setting` (see the top of this file). */
export async function takeGrouped(db: Database, webhookId: string, setting: GroupSetting, d: GroupedDelivery): Promise<GroupDecision> {
  return withTransaction(db, async (tx): Promise<GroupDecision> => {
    const { group_id: joined, event_id: eventId } = (await groupOfDelivery(tx, d.lease)) ?? { group_id: null, event_id: null };
    if (joined) {
      const g = await lockGroup(tx, joined);
      if (!g) return { kind: 'lost' };
      if (g.reply_id === d.lease.id && g.state === 'resolved') return send(g, 'resolved');
      if (g.reopen_reply_id === d.lease.id && g.state === 'open') return send(g, 'reopened');
      return send(g.carrier_id === d.lease.id ? await markSending(tx, g.id) : g);
    }
    const event = JSON.parse(d.payload) as ForjinnEvent;
    const about = { chatflowId: text(event.chatflowId), agentId: text(event.agentId) };
    const more = (await resolveGroups(tx, webhookId, event, about, d.lease)) > 0;
    const decision = await join(tx, webhookId, setting, d, event, eventId, about);
    return more ? { ...decision, more } : decision;
  }).catch((err): GroupDecision => {
    if (err instanceof LeaseLost) return { kind: 'lost' };
    throw err;
  });
}

/** A new event's delivery joins the open group of its key (see the top of this file). */
async function join(tx: Queryable, webhookId: string, setting: GroupSetting, d: GroupedDelivery, event: ForjinnEvent, eventId: string | null, about: { chatflowId: string | null; agentId: string | null }): Promise<GroupDecision> {
  // A failure re-opens its resolved group within `close` (the same message, back to failing).
  const opened = await openGroup(tx, webhookId, groupKey(event, setting.by), setting.closeMs, about, statusOf(event) === 'error');
  const fresh = opened.event_count === 0;
  const g = await countEvent(tx, opened.id, { id: eventId, payload: d.payload });
  if (g.carrier_id) {
    if (!(await joinGroup(tx, d.lease, g.id, { kind: 'grouped', carrierId: g.carrier_id }))) throw new LeaseLost();
    return { kind: 'held' };
  }
  const now = Date.now();
  const at = fresh ? now + setting.waitMs : Math.max(now, (g.last_sent_at?.getTime() ?? now) + setting.intervalMs);
  if (at <= now) {
    if (!(await joinGroup(tx, d.lease, g.id, { kind: 'send' }))) throw new LeaseLost();
    return send(await markSending(tx, g.id));
  }
  if (!(await joinGroup(tx, d.lease, g.id, { kind: 'hold', dueAt: new Date(at) }))) throw new LeaseLost();
  await setCarrier(tx, g.id, d.lease, new Date(at));
  return { kind: 'held' };
}

/** The lease was taken over: the transaction is rolled back, the delivery is another worker's now. */
class LeaseLost extends Error {}

/**
 * After a group's message was accepted (sent by `from`): its id kept where the target can edit it,
 * so later messages edit it; a resolved or re-opened group's edited message gets its thread reply
 * where the target has threads (one more delivery, due now; one per resolve, one per re-open).
 * Answers whether a delivery was made.
 */
export async function messageSent(db: Database, transformer: Transformer, config: unknown, group: GroupRender, response: TargetResponse, from: Lease): Promise<boolean> {
  const id = group.messageId ?? transformer.grouping?.messageRef?.(response, config);
  if (id && !group.messageId) await setMessageId(db.pool, group.id, id);
  const kind = group.state === 'resolved' ? 'resolved' : group.reopenedAt ? 'reopened' : undefined;
  if (!kind || group.reply || !id || !transformer.capabilities.threads || !transformer.capabilities.edits) return false;
  return withTransaction(db, async (tx) => {
    const reply = await insertGroupDelivery(tx, from, group.id);
    if (!reply || !(await (kind === 'resolved' ? setReply : setReopenReply)(tx, group.id, reply.id))) throw new AlreadyReplied();
    return true;
  }).catch((err) => {
    if (err instanceof AlreadyReplied) return false;
    throw err;
  });
}

/** The group's reply was made by another message of it: nothing to add (rolled back). */
class AlreadyReplied extends Error {}
