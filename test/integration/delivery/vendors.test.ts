// End to end through the engine for each chat target: a real service, and one receiver on
// 127.0.0.1 that answers at each vendor's path the way that vendor does (Slack `ok`, Teams 202,
// Discord JSON for ?wait=true, PagerDuty 202 success, Google Chat 200).
import { describe, expect, test } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { CONTRACTS } from '../../helpers/target-contract.js';
import { CHAT_TARGETS } from '../../helpers/transformer-fixtures.js';
import { ROUTING_KEY } from '../../../src/services/transformers/pagerduty/contract.js';
import type { Received } from '../../helpers/receiver.js';
import { json, vendorAnswer } from '../../helpers/vendor-answers.js';
import { eventually } from '../../helpers/eventually.js';

const fixture = sampleEvent;
/** How one path answers instead of its vendor's good answer, for one case. */
const overrides = new Map<string, (req: Received, n: number, res: ServerResponse) => void>();
const hits = new Map<string, number>();

const { svc, rx } = useRig({
  env: { FORJINN_DELIVERY_TIMEOUT_MS: '2000' },
  responder: (req, _n, res) => {
    const path = req.path.split('?')[0];
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const override = overrides.get(path);
    if (override) override(req, n, res);
    else vendorAnswer(req, res);
  },
});

const uid = () => crypto.randomUUID();
const at = (path: string) => rx.received.filter((r) => r.path.split('?')[0] === path);

async function addHook(transformer: string, path: string, chatflowId: string) {
  const res = await svc.api('POST', '/v1/webhooks', {
    url: `${rx.url}${path}`,
    events: ['error_occurred'],
    transformer,
    transformerConfig: { ...CONTRACTS[transformer as keyof typeof CONTRACTS].settings, group: false },
    filters: { chatflowIds: [chatflowId] },
  });
  expect([transformer, res.status, res.body?.error]).toEqual([transformer, 201, undefined]);
  return res.body as { id: string };
}

async function emit(chatflowId: string) {
  const res = await svc.api('POST', '/v1/events', { ...fixture('error_occurred'), id: uid(), chatflowId });
  expect(res.status).toBe(202);
  return res.body as { id: string; deliveries: number };
}

/** The webhook's one delivery, once it has left pending. */
async function settled(hookId: string) {
  return eventually(
    async () => {
      const list = await svc.api('GET', `/v1/webhooks/${hookId}/deliveries`);
      const [d] = list.body.data;
      return d && d.status !== 'pending' ? d : undefined;
    },
    { what: `a settled delivery of ${hookId}` },
  );
}

describe('each chat target through the engine', () => {
  test('one error_occurred reaches every chat and incident target of the registry, each in its vendor\'s format, unsigned, and succeeds', async () => {
    const run = `vendors-${uid()}`;
    // At the target's name, where the fake vendor answers as that vendor does (its contract.ts).
    const paths: Record<string, string> = Object.fromEntries(CHAT_TARGETS.map((name) => [name, `/${name}/hook/${run}`]));
    const hooks: Record<string, { id: string }> = {};
    for (const [name, path] of Object.entries(paths)) hooks[name] = await addHook(name, path, run);
    expect((await emit(run)).deliveries).toBe(CHAT_TARGETS.length);

    const one = (name: string) => {
      const got = at(paths[name]);
      expect([name, got.length]).toEqual([name, 1]);
      const [req] = got;
      expect(req.method).toBe('POST');
      expect(req.headers['content-type']).toMatch(/^application\/json/);
      // Chat targets get no signature headers: they would be noise, or refused.
      expect(req.headers['x-forjinn-signature']).toBeUndefined();
      expect(req.headers['webhook-signature']).toBeUndefined();
      expect([name, CONTRACTS[name as keyof typeof CONTRACTS].check({ body: req.body, contentType: String(req.headers['content-type']) })]).toEqual([name, []]);
      return { req, body: JSON.parse(req.body) };
    };
    await eventually(() => Object.values(paths).every((p) => at(p).length > 0), { what: 'every vendor' });
    for (const name of CHAT_TARGETS) one(name);

    const slack = one('slack').body;
    expect(slack.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(slack.text).toContain('Critical error');

    const teams = one('teams').body;
    expect(teams.type).toBe('message');
    expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0].content.type).toBe('AdaptiveCard');

    const discord = one('discord');
    expect(new URL(discord.req.path, rx.url).searchParams.get('wait')).toBe('true');
    expect(discord.body.embeds[0].title).toContain('Critical error');
    expect(discord.body.allowed_mentions).toEqual({ parse: [] });

    const pd = one('pagerduty').body;
    expect(pd).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', payload: { severity: 'critical' } });

    const chat = one('google-chat').body;
    expect(chat.cardsV2[0].card.header.title).toContain('Critical error');

    for (const [name, hook] of Object.entries(hooks)) {
      const d = await settled(hook.id);
      expect([name, d.status, d.attempts]).toEqual([name, 'succeeded', 1]);
    }
  });

  test('Discord 429 with retry_after 0.2 s: the delivery is retried after it and succeeds on attempt 2', async () => {
    const run = `discord-429-${uid()}`;
    const path = `/discord/api/webhooks/2/${run}`;
    overrides.set(path, (req, n, res) =>
      n === 1 ? json(res, 429, { message: 'You are being rate limited.', retry_after: 0.2, global: false }) : vendorAnswer(req, res),
    );
    const hook = await addHook('discord', path, run);
    await emit(run);
    const d = await settled(hook.id);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200 });
    const [first, second] = at(path);
    // The engine waited at least the vendor's retry_after (200 ms) before trying again.
    expect(second.at - first.at).toBeGreaterThanOrEqual(190);
    const detail = await svc.api('GET', `/v1/deliveries/${d.id}`);
    expect(detail.body.attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([429, 200]);
  });

  test('Slack 404 channel_not_found disables the webhook with a reason', async () => {
    const run = `slack-404-${uid()}`;
    const path = `/slack/services/T0/B1/${run}`;
    overrides.set(path, (_req, _n, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('channel_not_found'));
    const hook = await addHook('slack', path, run);
    await emit(run);
    const d = await settled(hook.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 404 });
    const w = (await eventually(async () => {
      const res = await svc.api('GET', `/v1/webhooks/${hook.id}`);
      return res.body.enabled === false ? res.body : undefined;
    })) as { disabledReason: string; disabledAt: string };
    expect(w.disabledReason).toMatch(/channel_not_found/);
    expect(w.disabledAt).toEqual(expect.any(String));
    expect(at(path)).toHaveLength(1);
  });
});
