// Grouped chat alerts (issue 14, items 1, 2 and 6): a burst of 200 error_occurred of one chatflow
// against fakes that enforce the vendors' rates (test/helpers/rate-limited-vendors.ts: Slack's one
// message a second per channel and per incoming webhook, Discord's bucket), plus, here, Slack's
// chat.update (Tier 3: 50 a minute, 429 past it; the message must exist) and Discord's edit route.
// Time is the webhooks' settings (wait 1s, interval 2s; 4s for the Slack incoming webhook, whose
// digests must come one per interval), never a sleep: the test waits for the
// message whose count reaches 200.
import { describe, expect, test } from '@jest/globals';
import type { Received } from '../../helpers/receiver.js';
import type { ServerResponse } from 'node:http';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';
import { rateLimitedVendors } from '../../helpers/rate-limited-vendors.js';

const vendors = rateLimitedVendors();

interface Seen {
  path: string;
  method: string;
  status: number;
  /** What the message says it stands for: "(200 events)" in its title, 1 without. */
  count: number;
  body: Record<string, unknown>;
  /** When the fake received it (performance.now()). */
  at: number;
}
const seen: Seen[] = [];
const posted = new Map<string, string>(); // ts -> channel, of the fake chat.postMessage
const updates: number[] = []; // when each chat.update was accepted (the fake's Tier 3 window)

const countOf = (body: Record<string, unknown>): number => {
  const title = typeof body.text === 'string' ? body.text : JSON.stringify(body.embeds ?? body);
  const m = /\((\d[\d,]*) events\)/.exec(title);
  return m ? Number(m[1].replace(/,/g, '')) : 1;
};

function answer(res: ServerResponse, req: Received, status: number, body: unknown, headers: Record<string, string> = {}) {
  const parsed = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
  seen.push({ path: req.path.split('?')[0], method: req.method, status, count: countOf(parsed), body: parsed, at: performance.now() });
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function responder(req: Received, n: number, res: ServerResponse) {
  const path = req.path.split('?')[0];
  if (path === '/slack-api/chat.update') {
    // https://api.slack.com/methods/chat.update : Tier 3, about 50 a minute; an unknown ts is message_not_found.
    const now = performance.now();
    const window = updates.filter((t) => t > now - 60_000);
    if (window.length >= 50) return answer(res, req, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '60' });
    const body = JSON.parse(req.body) as { channel?: string; ts?: string };
    if (!body.ts || posted.get(body.ts) !== body.channel) return answer(res, req, 200, { ok: false, error: 'message_not_found' });
    updates.push(now);
    return answer(res, req, 200, { ok: true, channel: body.channel, ts: body.ts });
  }
  // Everything else through the rate-limited fakes, its answer recorded (and chat.postMessage's ts kept).
  const end = res.end.bind(res);
  res.end = ((chunk: unknown) => {
    const status = res.statusCode;
    const parsed = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    if (path === '/slack-api/chat.postMessage' && status === 200) {
      const a = JSON.parse(String(chunk)) as { ts: string; channel: string };
      posted.set(a.ts, a.channel);
    }
    seen.push({ path, method: req.method, status, count: countOf(parsed), body: parsed, at: performance.now() });
    return end(chunk as string);
  }) as typeof res.end;
  if (path.startsWith('/generic')) return void res.writeHead(200).end('ok');
  return vendors.responder(req, n, res);
}

const { svc, rx } = useRig({
  env: () => ({ SLACK_SIGNING_SECRET: 'grouping-signing-secret', SLACK_BOT_TOKEN: 'xoxb-grouping-token', SLACK_API_URL: `${rx.url}/slack-api`, FORJINN_PUBLIC_URL: 'https://forjinn.example' }),
  responder,
});

const GROUP = { wait: '1s', interval: '2s', close: '10m' };
/**
 * The Slack incoming webhook's interval: longer than Slack's pace (one a second), so digests one
 * per interval are told apart from digests sent as fast as the pace lets them.
 */
const DIGEST_INTERVAL_MS = 4_000;

async function hook(body: Record<string, unknown>, chatflowId: string): Promise<string> {
  const res = await svc.api('POST', '/v1/webhooks', { events: ['error_occurred'], filters: { chatflowIds: [chatflowId] }, ...body });
  expect([res.status, res.body?.error]).toEqual([201, undefined]);
  return res.body.id as string;
}

async function emit(chatflowId: string, n: number) {
  for (let i = 0; i < n; i += 20) {
    const batch = Array.from({ length: Math.min(20, n - i) }, () => svc.api('POST', '/v1/events', { ...sampleEvent('error_occurred'), id: crypto.randomUUID(), chatflowId }));
    for (const res of await Promise.all(batch)) expect(res.status).toBe(202);
  }
}

/** Every delivery of a webhook, through the request log's pages. */
async function requestLog(hookId: string): Promise<Array<{ id: string; status: string; lastError: string | null }>> {
  const all: Array<{ id: string; status: string; lastError: string | null }> = [];
  let cursor: string | null = null;
  do {
    const res = await svc.api('GET', `/v1/webhooks/${hookId}/deliveries?limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    all.push(...res.body.data);
    cursor = res.body.nextCursor;
  } while (cursor);
  return all;
}

const LONG = { timeoutMs: 90_000 };

/** Bot mode needs a Slack team linked to the workspace. */
async function linkSlack() {
  await svc.rt.ctx.db.pool.query(`insert into slack_links (team_id, workspace_id, linked_by) select 'TGROUPING', id, 'test' from workspaces where name = 'default' on conflict do nothing`);
}
const at = (prefix: string) => seen.filter((s) => s.path.startsWith(prefix));

describe('grouped chat alerts', () => {
  test('settings: refused on a target that does not group, bad durations named', async () => {
    const generic = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/generic/x`, events: ['*'], transformerConfig: { group: { wait: '30s' } } });
    expect([generic.status, generic.body.error?.code, generic.body.error?.field]).toEqual([400, 'validation_error', 'transformerConfig.group']);
    const slack = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/slack/T0/B0/bad`, events: ['*'], transformer: 'slack', transformerConfig: { group: { wait: 'soon' } } });
    expect([slack.status, slack.body.error?.code, slack.body.error?.field]).toEqual([400, 'validation_error', 'transformerConfig.group.wait']);
    const off = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/generic/y`, events: ['*'], transformerConfig: { group: false } });
    expect(off.status).toBe(201);
  });

  test('200 errors of one chatflow: one Slack bot-mode message updated to 200, one Discord message edited, Slack incoming-webhook digests, no 429; a generic webhook gets all 200', async () => {
    await linkSlack();
    const chatflow = `grouped-${crypto.randomUUID()}`;
    const bot = await hook({ url: `${rx.url}/slack-api/chat.postMessage`, transformer: 'slack', transformerConfig: { channel: 'C0GROUPED1', group: GROUP } }, chatflow);
    const incoming = await hook({ url: `${rx.url}/slack/T0GROUP/B0GROUP/incoming`, transformer: 'slack', transformerConfig: { group: { ...GROUP, interval: `${DIGEST_INTERVAL_MS}ms` } } }, chatflow);
    const discord = await hook({ url: `${rx.url}/discord/4242/grouping-token`, transformer: 'discord', transformerConfig: { group: GROUP } }, chatflow);
    const generic = await hook({ url: `${rx.url}/generic/all` }, chatflow);
    const genericLog = () => requestLog(generic);

    // The first error, then the other 199 once each grouped webhook's first message is out: they
    // must update it. (All 200 sent inside group.wait made one message counting 200 and no edit:
    // a fast run failed `edits > 0` so.)
    await emit(chatflow, 1);
    await eventually(
      () => at('/slack-api/chat.postMessage').some((s) => s.status === 200) && at('/discord/').some((s) => s.method === 'POST' && s.status === 200) && at('/slack/').some((s) => s.status === 200),
      { ...LONG, what: "each grouped webhook's first message" },
    );
    await emit(chatflow, 199);

    // Slack bot mode: chat.postMessage once, then chat.update of that message until it counts 200.
    await eventually(() => at('/slack-api/').some((s) => s.status === 200 && s.count === 200), { ...LONG, what: 'a Slack bot-mode message counting 200' });
    const botCalls = at('/slack-api/');
    const postMessages = botCalls.filter((s) => s.path === '/slack-api/chat.postMessage');
    expect(postMessages.length).toBeLessThanOrEqual(3);
    expect(postMessages.map((s) => s.status)).toEqual([200]);
    const edits = botCalls.filter((s) => s.path === '/slack-api/chat.update');
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.map((s) => s.status).filter((st) => st !== 200)).toEqual([]);
    const ts = [...posted.keys()];
    expect(ts).toHaveLength(1);
    for (const e of edits) expect(e.body).toMatchObject({ channel: 'C0GROUPED1', ts: ts[0] });
    // The counts only grow, and the last says 200.
    const counts = botCalls.map((s) => s.count);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(200);

    // Discord: one message posted with wait=true, then PATCHes of it, none refused.
    await eventually(() => at('/discord/').some((s) => s.status === 200 && s.count === 200), { ...LONG, what: 'a Discord message counting 200' });
    const discordCalls = at('/discord/');
    expect(discordCalls.filter((s) => s.method === 'POST').map((s) => [s.path, s.status])).toEqual([['/discord/4242/grouping-token', 200]]);
    const patches = discordCalls.filter((s) => s.method === 'PATCH');
    expect(patches.length).toBeGreaterThan(0);
    for (const p of patches) expect([p.path, p.status]).toEqual(['/discord/4242/grouping-token/messages/1234567890', 200]);

    // A Slack incoming webhook cannot edit: one new digest per interval, each counting more, none refused.
    await eventually(() => at('/slack/').some((s) => s.count === 200), { ...LONG, what: 'a Slack digest counting 200' });
    const digests = at('/slack/');
    expect(digests.map((s) => s.status).filter((st) => st !== 200)).toEqual([]);
    expect(digests.length).toBeLessThan(20);
    const digestCounts = digests.map((s) => s.count);
    expect(digestCounts).toEqual([...digestCounts].sort((a, b) => a - b));
    // One digest per interval: the first, then at least one more for the 199, each the interval
    // after the one before (less up to a second of sending: a digest is timed when it is decided,
    // and received after its render and request). Sent at the pace alone they come a second apart.
    expect(digests.length).toBeGreaterThan(1);
    const gaps = digests.slice(1).map((d, i) => Math.round(d.at - digests[i].at));
    expect(gaps.filter((gap) => gap < DIGEST_INTERVAL_MS - 1_000)).toEqual([]);

    // The generic webhook: one delivery per event, all 200.
    await eventually(() => at('/generic/all').length >= 200, { ...LONG, what: 'all 200 generic deliveries' });
    expect(at('/generic/all')).toHaveLength(200);
    await eventually(async () => (await genericLog()).filter((d) => d.status === 'succeeded').length === 200, { ...LONG, what: 'all 200 generic deliveries succeeded' });

    // Nothing lost: each grouped webhook's request log holds all 200 events, those not sent on their
    // own naming the delivery whose message counted them.
    for (const [id, sent] of [[bot, postMessages.length + edits.length], [discord, discordCalls.length], [incoming, digests.length]] as const) {
      const log = await eventually(async () => {
        const l = await requestLog(id);
        return l.every((d) => d.status !== 'pending') ? l : undefined;
      }, { ...LONG, what: `every delivery of ${id} settled` });
      expect(log).toHaveLength(200);
      const succeeded = log.filter((d) => d.status === 'succeeded');
      expect(succeeded).toHaveLength(sent);
      const grouped = log.filter((d) => d.status === 'grouped');
      expect(grouped).toHaveLength(200 - sent);
      const carriers = new Set(succeeded.map((d) => d.id));
      for (const d of grouped) expect(carriers.has(/delivery ([0-9a-f-]{36})/.exec(d.lastError ?? '')?.[1] ?? '')).toBe(true);
    }
  }, 120_000);

  test('a success after the errors: the message is updated to resolved and a thread reply says after how many; the next error re-opens it in place with a second reply', async () => {
    await linkSlack();
    const chatflow = `resolved-${crypto.randomUUID()}`;
    const events = ['error_occurred', 'flow_completed'];
    await hook({ url: `${rx.url}/slack-api/chat.postMessage`, events, transformer: 'slack', transformerConfig: { channel: 'C0RESOLVE1', group: GROUP } }, chatflow);
    await hook({ url: `${rx.url}/discord/4343/resolve-token`, events, transformer: 'discord', transformerConfig: { group: GROUP } }, chatflow);
    const inChannel = () => at('/slack-api/').filter((s) => s.body.channel === 'C0RESOLVE1');

    await emit(chatflow, 5);
    await eventually(() => inChannel().some((s) => s.status === 200 && s.count === 5), { ...LONG, what: 'the Slack message counting 5' });
    await eventually(() => at('/discord/4343/').some((s) => s.status === 200 && s.count === 5), { ...LONG, what: 'the Discord message counting 5' });
    const ts = inChannel().find((s) => s.path === '/slack-api/chat.postMessage')!;
    const [[tsOfMessage]] = [...posted].filter(([, channel]) => channel === 'C0RESOLVE1');
    expect(ts.body.text).not.toMatch(/Resolved/);

    expect((await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: crypto.randomUUID(), chatflowId: chatflow })).status).toBe(202);

    // Slack: chat.update of the message, now resolved, then a reply in its thread.
    const reply = await eventually(() => inChannel().find((s) => s.path === '/slack-api/chat.postMessage' && s.body.thread_ts === tsOfMessage), { ...LONG, what: 'the thread reply' });
    expect([reply.status, reply.body.text]).toEqual([200, expect.stringMatching(/^✅ Resolved at .* after 5 events$/)]);
    const resolved = inChannel().filter((s) => s.path === '/slack-api/chat.update' && String(s.body.text).includes('Resolved'));
    expect(resolved.map((s) => [s.status, s.body.ts, s.count])).toEqual([[200, tsOfMessage, 5]]);
    expect(inChannel().indexOf(resolved[0])).toBeLessThan(inChannel().indexOf(reply));
    // Discord: the message edited to resolved (a webhook's message has no thread to reply in).
    await eventually(() => at('/discord/4343/').some((s) => s.method === 'PATCH' && s.status === 200 && JSON.stringify(s.body.embeds).includes('Resolved')), { ...LONG, what: 'the Discord message edited to resolved' });

    // The next error, within the group's close (10m), re-opens it: the same message updated back to
    // failing, counting on from 5, and a second thread reply says it re-opened; no new message.
    await emit(chatflow, 1);
    const reopenReply = await eventually(
      () => inChannel().find((s) => s.path === '/slack-api/chat.postMessage' && s.body.thread_ts === tsOfMessage && String(s.body.text).includes('Re-opened')),
      { ...LONG, what: 'the re-opened thread reply' },
    );
    expect([reopenReply.status, reopenReply.body.text]).toEqual([200, expect.stringMatching(/^🚨 Re-opened at .*: failing again after it was resolved \(6 events in all, counting on from 5\)$/)]);
    const reopened = inChannel().filter((s) => s.path === '/slack-api/chat.update' && String(s.body.text).includes('Re-opened'));
    expect(reopened.map((s) => [s.status, s.body.ts, s.count, String(s.body.text).startsWith('🚨 Re-opened: ')])).toEqual([[200, tsOfMessage, 6, true]]);
    expect(JSON.stringify(reopened[0].body.blocks)).toContain('failing again after it was resolved; 1 event since');
    expect(inChannel().indexOf(reopened[0])).toBeLessThan(inChannel().indexOf(reopenReply));
    // One failure message in the channel all along (the success is grouped on its own, its own
    // ✅ message), and two replies in its thread.
    const posts = inChannel().filter((s) => s.path === '/slack-api/chat.postMessage');
    expect(posts.filter((s) => s.body.thread_ts === undefined && String(s.body.text).startsWith('🚨'))).toHaveLength(1);
    expect(posts.filter((s) => s.body.thread_ts !== undefined).map((s) => [s.body.thread_ts, /^(✅ Resolved|🚨 Re-opened) at /.exec(String(s.body.text))?.[1]])).toEqual([
      [tsOfMessage, '✅ Resolved'],
      [tsOfMessage, '🚨 Re-opened'],
    ]);
    // Discord: the same message edited back to failing.
    await eventually(() => at('/discord/4343/').some((s) => s.method === 'PATCH' && s.status === 200 && s.count === 6 && JSON.stringify(s.body.embeds).includes('Re-opened')), { ...LONG, what: 'the Discord message edited back to failing' });
    expect(at('/discord/4343/').filter((s) => s.method === 'POST' && JSON.stringify(s.body.embeds).includes('"title":"🚨'))).toHaveLength(1);
  }, 120_000);

  test('after the group has been quiet for close, the next error is a new message, not a re-open', async () => {
    await linkSlack();
    const chatflow = `closed-${crypto.randomUUID()}`;
    const hookId = await hook({ url: `${rx.url}/slack-api/chat.postMessage`, events: ['error_occurred', 'flow_completed'], transformer: 'slack', transformerConfig: { channel: 'C0CLOSED01', group: { ...GROUP, close: '1s' } } }, chatflow);
    const messages = () => at('/slack-api/chat.postMessage').filter((s) => s.body.channel === 'C0CLOSED01' && s.body.thread_ts === undefined && String(s.body.text).startsWith('🚨'));
    await emit(chatflow, 2);
    await eventually(() => at('/slack-api/').some((s) => s.body.channel === 'C0CLOSED01' && s.status === 200 && s.count === 2), { ...LONG, what: 'the message counting 2' });
    expect((await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: crypto.randomUUID(), chatflowId: chatflow })).status).toBe(202);
    await eventually(() => at('/slack-api/chat.postMessage').some((s) => s.body.channel === 'C0CLOSED01' && String(s.body.text).startsWith('✅ Resolved at')), { ...LONG, what: 'the resolved reply' });
    // The database's clock past the group's close (1s after its resolve): what the grouper compares.
    await eventually(
      async () => Number((await svc.rt.ctx.db.pool.query<{ n: string }>(`select count(*) as n from alert_groups where webhook_id = $1 and state = 'resolved' and resolved_at < now() - interval '1 second'`, [hookId])).rows[0].n) === 1,
      { ...LONG, what: 'the resolved group quiet for its close' },
    );
    await emit(chatflow, 1);
    await eventually(() => messages().length === 2, { ...LONG, what: 'a new message for the error after close' });
    expect(messages().map((s) => s.count)).toEqual([expect.any(Number), 1]);
    expect(at('/slack-api/').some((s) => s.body.channel === 'C0CLOSED01' && String(s.body.text).includes('Re-opened'))).toBe(false);
  }, 120_000);
});
