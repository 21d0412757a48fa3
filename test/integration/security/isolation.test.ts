// Workspace isolation, route by route: every /v1 route the app has mounted is called with a
// second workspace's key and the first workspace's ids, and answers 404 with none of the first
// workspace's data; the same route with the second workspace's own ids works (so the 404 is the
// isolation, not a bad request). A route with a parameter this test does not know fails the test.
// Revoking a key with the CLI takes effect on the next request.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { ROUTES } from '../../../src/doors/api/route-docs.js';
import { mountedRoutes } from '../../helpers/routes.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';
import { linkSlackTeam } from '../../helpers/slack-link.js';
import { runCli } from '../../helpers/cli.js';

const SIGNING_SECRET = 'isolation-signing-secret-0123456789';
const { svc, rx } = useRig({
  responder: (req, _n, res) => {
    if (req.path.startsWith('/slack-api/')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    else res.writeHead(200).end('ok');
  },
  // The Slack app on (its /v1 routes mounted), talking to the loopback receiver, never to Slack.
  env: () => ({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-isolation-test', SLACK_API_URL: `${rx.url}/slack-api` }),
});
interface Tenant {
  key: string;
  workspace: string;
  webhookId: string;
  eventId: string;
  deliveryId: string;
  team: string;
  secret: string;
  muteId: string;
  listenerId: string;
}
const tenants: Record<'a' | 'b', Tenant> = {} as never;
let routes: Array<[string, string]>;

/** Which of a tenant's ids fills each route parameter, chosen by the route's path. */
const PARAMS: Array<[RegExp, (t: Tenant) => string]> = [
  [/^\/v1\/webhooks\/\{id\}/, (t) => t.webhookId],
  [/^\/v1\/deliveries\/\{id\}/, (t) => t.deliveryId],
  [/^\/v1\/events\/\{id\}/, (t) => t.eventId],
  [/^\/v1\/slack\/links\/\{team\}/, (t) => t.team],
  [/^\/v1\/mutes\/\{id\}/, (t) => t.muteId],
  [/^\/v1\/listeners\/\{id\}/, (t) => t.listenerId],
];
/** A second parameter of a route, filled after its first. */
const SECOND_PARAMS: Array<[RegExp, (t: Tenant) => string]> = [[/\{deliveryId\}/, (t) => t.deliveryId]];

/**
 * What the owner's own call answers where that is not a success: an answer for a delivery no
 * stream of the listener has out is refused as a conflict (409), after the listener was found.
 */
const OWN_ANSWER: Array<[RegExp, number]> = [[/^\/v1\/listeners\/\{id\}\/deliveries\/\{deliveryId\}\/result$/, 409]];

/** Route parameters that name shared things (no workspace owns a transformer): not ids to guard. */
const GLOBAL_PARAMS: Array<[RegExp, string]> = [[/^\/v1\/transformers\/\{name\}/, 'generic']];

/** A body each route accepts from its own workspace. */
function bodyFor(method: string, path: string, t: Tenant): unknown {
  if (method === 'get' || method === 'delete') return undefined;
  if (method === 'patch') return { description: 'changed by its owner' };
  if (path === '/v1/webhooks') return { url: `${rx.url}/${t.workspace}/new`, events: ['*'], enabled: false };
  if (path === '/v1/events') return { event: 'flow_completed', chatflowId: `${t.workspace}-cf`, id: `${t.workspace}-again-${Math.random()}` };
  if (path === '/v1/slack/links') return { team: t.team };
  if (path.endsWith('/recover')) return { since: '2000-01-01T00:00:00Z' };
  if (path === '/v1/listeners') return { forwardTo: 'http://127.0.0.1:9/hooks', events: ['flow_completed'] };
  if (path.endsWith('/result')) return { attempt: 1, status: 204, durationMs: 1 };
  if (method === 'post') return {};
  return undefined;
}

function fill(path: string, t: Tenant): string {
  const rule = PARAMS.find(([re]) => re.test(path));
  let filled = rule ? path.replace(/\{\w+\}/, encodeURIComponent(rule[1](t))) : path;
  for (const [re, id] of SECOND_PARAMS) filled = filled.replace(re, encodeURIComponent(id(t)));
  if (/\{\w+\}/.test(filled)) throw new Error(`${path}: a route parameter the isolation test does not know; add it to PARAMS`);
  return filled;
}

/** A stream's status, read from its headers; the stream (which never ends by itself) is closed then. */
async function streamStatus(path: string, key: string): Promise<number> {
  const stop = new AbortController();
  const res = await fetch(`${svc.url}${path}`, { headers: { authorization: `Bearer ${key}` }, signal: stop.signal });
  stop.abort();
  return res.status;
}

async function setUp(workspace: string, key: string): Promise<Tenant> {
  const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/${workspace}/hook`, events: ['*'], description: `${workspace} description` }, key);
  expect(hook.status).toBe(201);
  const eventId = `${workspace}-event-1`;
  expect((await svc.api('POST', '/v1/events', { event: 'flow_completed', id: eventId, chatflowId: `${workspace}-cf` }, key)).status).toBe(202);
  const deliveries = await eventually(async () => {
    const r = await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`, undefined, key);
    return r.body.data?.[0]?.status === 'succeeded' ? r.body.data : undefined;
  });
  const team = `T${workspace.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 8)}1`;
  if (routes.some(([, p]) => p === '/v1/slack/link-codes')) await linkSlackTeam(svc, SIGNING_SECRET, team, { key });
  const mute = await svc.api('POST', '/v1/mutes', { chatflowId: `${workspace}-cf`, slackChannel: 'C0ISOLATE1', for: '1h' }, key);
  expect(mute.status).toBe(201);
  const listener = await svc.api('POST', '/v1/listeners', { forwardTo: 'http://127.0.0.1:9/hooks', events: ['flow_completed'] }, key);
  expect(listener.status).toBe(201);
  return { key, workspace, webhookId: hook.body.id, eventId, deliveryId: deliveries[0].id, team, secret: hook.body.secret, muteId: mute.body.id, listenerId: listener.body.id };
}

beforeAll(async () => {
  routes = mountedRoutes(svc.rt).filter(([, p]) => p.startsWith('/v1/'));
  tenants.a = await setUp('alpha-corp', await svc.newWorkspaceKey('alpha-corp'));
  tenants.b = await setUp('bravo-inc', await svc.newWorkspaceKey('bravo-inc'));
});

describe('every route, with another workspace', () => {
  test('the route list covers the documented API', () => {
    const documented = ROUTES.filter((r) => !r.public && r.path.startsWith('/v1/')).map((r) => `${r.method} ${r.path}`);
    expect(routes.map(([m, p]) => `${m} ${p}`)).toEqual(expect.arrayContaining(documented));
    expect(routes.length).toBeGreaterThanOrEqual(15);
  });

  test("another workspace's ids answer 404 and show nothing of it; its own ids work", async () => {
    const { a, b } = tenants;
    const leaks = (text: string) => [a.webhookId, a.deliveryId, a.eventId, a.workspace, `${a.workspace} description`, a.secret, a.key].filter((s) => text.includes(s));
    // Deletions last: they would take away what the other calls need.
    const ordered = [...routes].sort(([m1], [m2]) => Number(m1 === 'delete') - Number(m2 === 'delete'));
    const seen: string[] = [];
    for (const [method, route] of ordered) {
      const global = GLOBAL_PARAMS.find(([re]) => re.test(route));
      const path = global ? route.replace(/\{\w+\}/, global[1]) : route;
      const withParams = /\{\w+\}/.test(path);
      if (withParams) {
        const intruder = await svc.api(method.toUpperCase(), fill(path, a), bodyFor(method, path, b), b.key);
        expect([method, path, intruder.status]).toEqual([method, path, 404]);
        expect([method, path, leaks(JSON.stringify(intruder.body ?? ''))]).toEqual([method, path, []]);
        const ownStatus = path.endsWith('/stream') ? await streamStatus(fill(path, b), b.key) : (await svc.api(method.toUpperCase(), fill(path, b), bodyFor(method, path, b), b.key)).status;
        const expected = OWN_ANSWER.find(([re]) => re.test(path))?.[1];
        expect([method, path, expected === undefined ? ownStatus < 400 : ownStatus]).toEqual([method, path, expected ?? true]);
      } else {
        const res = await svc.api(method.toUpperCase(), path, bodyFor(method, path, b), b.key);
        expect([method, path, res.status < 500]).toEqual([method, path, true]);
        expect([method, path, leaks(JSON.stringify(res.body ?? ''))]).toEqual([method, path, []]);
      }
      seen.push(`${method} ${route}`);
    }
    expect(seen).toHaveLength(routes.length);

    // The first workspace's things are as they were.
    const hook = await svc.api('GET', `/v1/webhooks/${a.webhookId}`, undefined, a.key);
    expect(hook.body).toMatchObject({ description: `${a.workspace} description`, enabled: true, secretRotation: null });
    const event = await svc.api('GET', `/v1/events/${a.eventId}`, undefined, a.key);
    expect(event.body.deliveries).toHaveLength(1);
    const delivery = await svc.api('GET', `/v1/deliveries/${a.deliveryId}`, undefined, a.key);
    expect(delivery.body.attempts).toHaveLength(1);
    if (routes.some(([, p]) => p === '/v1/slack/links')) {
      // Taking the first workspace's Slack team by its id is refused without naming that workspace.
      const take = await svc.api('POST', '/v1/slack/links', { team: a.team }, b.key);
      expect(take.status).toBe(403);
      expect(leaks(JSON.stringify(take.body))).toEqual([]);
      expect((await svc.api('GET', '/v1/slack/links', undefined, a.key)).body.data.map((l: { team: string }) => l.team)).toEqual([a.team]);
    }
  }, 60_000);
});

describe('API keys', () => {
  test('a key revoked with `api-key revoke` answers 401 on the very next request', async () => {
    const key = await svc.newWorkspaceKey('revoked-corp');
    expect((await svc.api('GET', '/v1/workspace', undefined, key)).status).toBe(200);
    const run = await runCli(['api-key', 'revoke', key.slice(0, 12)], svc.env);
    expect(run.out).toMatch(/revoked 1 key/);
    expect(run.code).toBe(0);
    const res = await svc.api('GET', '/v1/workspace', undefined, key);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'unauthorized', message: 'invalid or revoked API key' });
    expect((await svc.api('GET', '/v1/workspace')).status).toBe(200); // the others still work
  }, 30_000);

  test('a key differing in its last character, or only its prefix, is refused', async () => {
    const key = tenants.a.key;
    const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    for (const k of [flipped, key.slice(0, 12), `${key} `.trim() + '=']) {
      expect((await svc.api('GET', '/v1/workspace', undefined, k)).status).toBe(401);
    }
  });
});
