// The terminal says what happened to each delivery: one info line per attempt outcome (delivered,
// retry in N, failed, failed with the webhook disabled) with the webhook, event and delivery ids,
// the status or reason and the attempt n/limit; never the webhook's secret or a Slack URL token.
import { expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const SLACK_TOKEN = 'slackTokenK7qPz93LmWx2';
const { svc, rx } = useRig({
  env: { LOG_LEVEL: 'info' },
  // Each path answers by its name: /ok/… 200, /flaky/… 500 then 200, /down/… 500, /gone/… 410.
  responder: (req, _n, res) => {
    const [, kind] = req.path.split('/');
    const tries = rx.received.filter((r) => r.path === req.path).length;
    const status = kind === 'gone' ? 410 : kind === 'down' || (kind === 'flaky' && tries === 1) ? 500 : 200;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
  },
});

interface Line {
  level: number;
  msg: string;
  webhookId?: string;
  eventId?: string;
  deliveryId?: string;
  status?: number | null;
  attempt?: string;
  reason?: string;
  retryInMs?: number;
}
const lines = (): Line[] => svc.logs.flatMap((l) => l.split('\n').filter(Boolean)).map((l) => JSON.parse(l));

/** A webhook for one path, one event sent to it; its ids and the delivery's log lines once `done` holds. */
async function run(path: string, extra: Record<string, unknown>, done: (ls: Line[]) => boolean) {
  const chatflowId = `cf-${crypto.randomUUID()}`;
  const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}${path}`, events: ['flow_completed'], filters: { chatflowIds: [chatflowId] }, ...extra });
  expect([hook.status, hook.body.error]).toEqual([201, undefined]);
  const ev = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: `ev-${crypto.randomUUID()}`, chatflowId });
  expect(ev.status).toBe(202);
  const ls = await eventually(
    () => {
      const mine = lines().filter((l) => l.webhookId === hook.body.id && l.eventId === ev.body.id);
      return done(mine) ? mine : undefined;
    },
    { what: `the delivery log of ${path}` },
  );
  const list = await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`);
  const deliveryId = list.body.data[0].id as string;
  for (const l of ls) expect(l).toMatchObject({ level: 30, deliveryId });
  return { ls, webhookId: hook.body.id as string, secret: hook.body.secret as string | undefined };
}

const secrets: string[] = [SLACK_TOKEN];

test('delivered: one line with the status and attempt 1 of its limit', async () => {
  const { ls, secret } = await run(`/ok/${crypto.randomUUID()}`, {}, (l) => l.length >= 1);
  secrets.push(secret!);
  expect(ls).toEqual([expect.objectContaining({ msg: 'delivered', status: 200, attempt: '1/6' })]);
});

test('retried (a Slack webhook): "retry in N" with the status, then delivered at attempt 2', async () => {
  const { ls } = await run(`/flaky/services/T0/B0/${SLACK_TOKEN}`, { transformer: 'slack', transformerConfig: { group: false } }, (l) => l.some((x) => x.msg === 'delivered'));
  expect(ls).toHaveLength(2);
  expect(ls[0]).toMatchObject({ status: 500, attempt: '1/6', reason: expect.stringContaining('500') });
  expect(ls[0].msg).toMatch(/^delivery attempt failed, retry in \d+ms$/);
  expect(ls[0].msg).toContain(`retry in ${ls[0].retryInMs}ms`);
  expect(ls[1]).toMatchObject({ msg: 'delivered', status: 200, attempt: '2/6' });
});

test('failed: the last allowed attempt says so, with the reason', async () => {
  const { ls, secret } = await run(`/down/${crypto.randomUUID()}`, { maxAttempts: 2 }, (l) => l.length >= 2);
  secrets.push(secret!);
  expect(ls.map((l) => [l.msg.replace(/\d+ms$/, 'Nms'), l.status, l.attempt])).toEqual([
    ['delivery attempt failed, retry in Nms', 500, '1/2'],
    ['delivery failed', 500, '2/2'],
  ]);
  expect(ls[1].reason).toContain('500');
});

test('disabled: a 410 fails the delivery and the line says the webhook is disabled', async () => {
  const { ls, secret } = await run(`/gone/${crypto.randomUUID()}`, {}, (l) => l.length >= 1);
  secrets.push(secret!);
  expect(ls).toEqual([expect.objectContaining({ msg: 'delivery failed, webhook disabled', status: 410, attempt: '1/6', reason: expect.stringContaining('410') })]);
});

test('no line holds a webhook secret or the Slack URL token', () => {
  expect(secrets.filter(Boolean)).toHaveLength(4);
  const all = svc.logs.join('');
  for (const s of secrets) expect(all).not.toContain(s);
});
