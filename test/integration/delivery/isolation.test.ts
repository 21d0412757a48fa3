// One webhook that never answers, with a backlog of due deliveries, cannot hold up another
// webhook: it keeps at most its share of the worker's slots, and claims find the other's rows
// behind its backlog, even when that backlog is longer than the window a claim first looks at.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { startService, type TestService } from '../../helpers/service.js';
import { ok, startReceiver, type Receiver } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';
import { prepareEvent } from '../../../src/services/ingest/ingest.js';
import { insertEvents } from '../../../src/services/ingest/insert.js';

let svc: TestService;
let rx: Receiver;
const stuck: ServerResponse[] = [];
let workspaceId: string;

// A service of its own for each case: a stuck webhook keeps its slots until the end.
beforeEach(async () => {
  // 4 slots; a webhook's share is half of them.
  svc = await startService({ FORJINN_CONCURRENCY: '4', FORJINN_ENDPOINT_CONCURRENCY: '1', FORJINN_DELIVERY_TIMEOUT_MS: '60000' });
  rx = await startReceiver((req, n, res) => (req.path.startsWith('/stuck') ? void stuck.push(res) : ok(req, n, res)));
  workspaceId = (await svc.rt.ctx.db.pool.query<{ id: string }>(`select id from workspaces where name = 'default'`)).rows[0].id;
});
afterEach(async () => {
  for (const res of stuck.splice(0)) res.writeHead(200).end('late');
  await svc?.close();
  await rx?.close();
});

const hook = async (path: string, chatflow: string) =>
  (await svc.api('POST', '/v1/webhooks', { url: `${rx.url}${path}`, events: ['*'], filters: { chatflowIds: [chatflow] } })).body.id as string;
const events = (n: number, chatflow: string) =>
  Array.from({ length: n }, (_, i) => prepareEvent({ event: 'flow_completed', id: `${chatflow}-${i}`, chatflowId: chatflow, output: 'x' }, 'default'));
// Stored without the hand-off, as an `api` process would: every delivery waits for a claim.
const queue = async (n: number, chatflow: string) => {
  await insertEvents(svc.rt.ctx, {}, workspaceId, events(n, chatflow));
  svc.rt.engine.wake();
};
const at = (path: string) => rx.received.filter((r) => r.path === path).length;

test.each([
  ['a short backlog', 20, 'short'],
  ['a backlog longer than the claim window', 1_500, 'long'],
])('%s of a stuck webhook does not hold up another webhook', async (_name, backlog, tag) => {
  await hook(`/stuck-${tag}`, `stuck-${tag}`);
  await hook(`/fast-${tag}`, `fast-${tag}`);
  await queue(backlog, `stuck-${tag}`);
  await eventually(() => at(`/stuck-${tag}`) >= 1);
  await queue(3, `fast-${tag}`); // queued after the whole backlog
  await eventually(() => at(`/fast-${tag}`) === 3, { what: 'the other webhook delivered' });
  // The stuck webhook holds at most its share (2 of 4 slots); with concurrency 1, one request.
  expect(at(`/stuck-${tag}`)).toBe(1);
  const { rows } = await svc.rt.ctx.db.pool.query(
    `select count(*)::int as n from deliveries d join webhooks w on w.id = d.webhook_id
     where w.url_masked like $1 and d.locked_until > now()`,
    [`%/stuck-${tag}%`],
  );
  expect(rows[0].n).toBeLessThanOrEqual(2);
});
