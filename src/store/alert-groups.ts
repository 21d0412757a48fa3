// The alert_groups table (grouped chat alerts, issue 14; migration 1764590000000): one row per
// group of events of one webhook that share a group key. services/grouping decides what happens to
// a delivery of a grouped webhook; these statements keep the group, in the caller's transaction.
// What they do to a delivery (held as the group's carrier, stored as `grouped`) is in
// deliveries/status.ts.
import type { Queryable } from './database.js';
import { nearPartAt } from './deliveries/row.js';

/** A delivery's part_at ($2) as JavaScript holds it (deliveries/row.ts nearPartAt). */
export const NEAR_PART_AT = nearPartAt('part_at', '$2::timestamptz');

export interface AlertGroupRow {
  id: string;
  webhook_id: string;
  group_key: string;
  state: 'open' | 'resolved' | 'closed';
  event_count: number;
  sent_count: number;
  first_event_at: Date;
  last_event_at: Date;
  latest_event_id: string | null;
  latest_payload: string | null;
  chatflow_id: string | null;
  agent_id: string | null;
  carrier_id: string | null;
  carrier_part_at: Date | null;
  next_send_at: Date | null;
  last_sent_at: Date | null;
  message_id: string | null;
  resolved_at: Date | null;
  /** The delivery that posts the resolved group's thread reply (1764600000000). */
  reply_id: string | null;
  /** A failure re-opened the resolved group (1764630000000): when, how many events it had then, the delivery of its thread reply. */
  reopened_at: Date | null;
  reopened_after: number | null;
  reopen_reply_id: string | null;
}

/** The group's row, locked until the transaction ends. */
export async function lockGroup(tx: Queryable, id: string): Promise<AlertGroupRow | undefined> {
  const { rows } = await tx.query<AlertGroupRow>('select * from alert_groups where id = $1 for update', [id]);
  return rows[0];
}

/**
 * The open group of a webhook and key, locked, made when there is none. A group quiet for
 * `closeMs` with no message waiting is closed first: the event starts a new group (a new message).
 * With `reopen` (the event is a failure), a resolved group of the key that is not yet quiet for
 * `closeMs` (since its last event or its resolve) is re-opened instead of making a new one.
 */
export async function openGroup(tx: Queryable, webhookId: string, key: string, closeMs: number, about: { chatflowId: string | null; agentId: string | null }, reopen = false): Promise<AlertGroupRow> {
  await tx.query(
    `update alert_groups set state = 'closed', updated_at = now()
     where webhook_id = $1 and group_key = $2 and state = 'open' and carrier_id is null
       and last_event_at < now() - make_interval(secs => $3::float8 / 1000)`,
    [webhookId, key, closeMs],
  );
  if (reopen) {
    // One statement: of two events re-opening the same group, the second finds it open (its
    // state rechecked after the first's commit) and joins it below.
    await tx.query(
      `update alert_groups set state = 'open', reopened_at = now(), reopened_after = event_count, resolved_at = null,
         reply_id = null, reopen_reply_id = null, updated_at = now()
       where id = (select id from alert_groups where webhook_id = $1 and group_key = $2 and state = 'resolved'
                     and greatest(last_event_at, resolved_at) >= now() - make_interval(secs => $3::float8 / 1000)
                   order by resolved_at desc limit 1)
         and state = 'resolved'
         and not exists (select 1 from alert_groups where webhook_id = $1 and group_key = $2 and state = 'open')`,
      [webhookId, key, closeMs],
    );
  }
  await tx.query(
    `insert into alert_groups (webhook_id, group_key, chatflow_id, agent_id) values ($1, $2, $3, $4)
     on conflict (webhook_id, group_key) where state = 'open' do nothing`,
    [webhookId, key, about.chatflowId, about.agentId],
  );
  const { rows } = await tx.query<AlertGroupRow>(`select * from alert_groups where webhook_id = $1 and group_key = $2 and state = 'open' for update`, [webhookId, key]);
  return rows[0];
}

/** One more event in the group: counted, its time the last, it the latest shown. */
export async function countEvent(tx: Queryable, id: string, event: { id: string | null; payload: string }): Promise<AlertGroupRow> {
  const { rows } = await tx.query<AlertGroupRow>(
    `update alert_groups set event_count = event_count + 1,
       first_event_at = case when event_count = 0 then now() else first_event_at end,
       last_event_at = now(), latest_event_id = $2, latest_payload = $3, updated_at = now()
     where id = $1 returning *`,
    [id, event.id, event.payload],
  );
  return rows[0];
}

/** A delivery waits to send the group's next message at `at`. */
export async function setCarrier(tx: Queryable, id: string, carrier: { id: string; part_at: Date }, at: Date): Promise<void> {
  await tx.query(`update alert_groups set carrier_id = $2, carrier_part_at = $3, next_send_at = $4, updated_at = now() where id = $1`, [id, carrier.id, carrier.part_at, at]);
}

/** The group's message goes out now: no carrier waits any more, and it counts every event so far. */
export async function markSending(tx: Queryable, id: string): Promise<AlertGroupRow> {
  const { rows } = await tx.query<AlertGroupRow>(
    `update alert_groups set carrier_id = null, carrier_part_at = null, next_send_at = null, sent_count = event_count, last_sent_at = now(), updated_at = now()
     where id = $1 returning *`,
    [id],
  );
  return rows[0];
}

/** The message posted for the group (its first message the target answered with an id): later ones edit it. */
export async function setMessageId(db: Queryable, id: string, messageId: string): Promise<void> {
  await db.query(`update alert_groups set message_id = $2, updated_at = now() where id = $1 and message_id is null`, [id, messageId]);
}

/** The delivery's event, and its group if the event joined one (as a carrier, or sent in one's message). */
export async function groupOfDelivery(db: Queryable, lease: { id: string; part_at: Date }): Promise<{ group_id: string | null; event_id: string } | undefined> {
  const { rows } = await db.query<{ group_id: string | null; event_id: string }>(`select group_id, event_id from deliveries where id = $1 and ${NEAR_PART_AT}`, [lease.id, lease.part_at]);
  return rows[0];
}

/**
 * The open groups of a webhook about this chatflow or agent, locked: what a success of it may
 * resolve (the caller keeps those whose events were failures).
 */
export async function openGroupsAbout(tx: Queryable, webhookId: string, about: { chatflowId: string | null; agentId: string | null }): Promise<AlertGroupRow[]> {
  const { rows } = await tx.query<AlertGroupRow>(
    `select * from alert_groups where webhook_id = $1 and state = 'open' and ((chatflow_id = $2 and $2 is not null) or (agent_id = $3 and $3 is not null))
     order by last_event_at for update`,
    [webhookId, about.chatflowId, about.agentId],
  );
  return rows;
}

/** A success resolved the group: its next message (carrierId, due now) says so; a failure within `close` re-opens it (openGroup), later ones start a new group. */
export async function markResolved(tx: Queryable, id: string, carrier: { id: string; part_at: Date } | null): Promise<void> {
  await tx.query(
    `update alert_groups set state = 'resolved', resolved_at = now(), updated_at = now(), reopen_reply_id = null,
       carrier_id = coalesce($2, carrier_id), carrier_part_at = coalesce($3, carrier_part_at), next_send_at = case when $2::uuid is null then next_send_at else now() end
     where id = $1`,
    [id, carrier?.id ?? null, carrier?.part_at ?? null],
  );
}

/** The resolved group's thread reply is posted by this delivery (once per group: false if one was already). */
export async function setReply(db: Queryable, id: string, replyId: string): Promise<boolean> {
  const { rowCount } = await db.query(`update alert_groups set reply_id = $2, updated_at = now() where id = $1 and reply_id is null`, [id, replyId]);
  return Boolean(rowCount);
}

/** The re-opened group's thread reply is posted by this delivery (once per re-open: false if one was already). */
export async function setReopenReply(db: Queryable, id: string, replyId: string): Promise<boolean> {
  const { rowCount } = await db.query(`update alert_groups set reopen_reply_id = $2, updated_at = now() where id = $1 and state = 'open' and reopened_at is not null and reopen_reply_id is null`, [id, replyId]);
  return Boolean(rowCount);
}
