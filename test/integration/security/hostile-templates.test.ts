// Hostile input against rendering and the Slack endpoint. Templates are user input: they cannot
// reach prototypes, functions or the file system, and cannot hold the process with loops; random
// preview requests never answer 5xx. POST /slack/events, signed or not, never answers 5xx either.
// Every outbound call (Slack's API, response_urls) goes to a loopback receiver; private targets
// are refused, so nothing a fuzzed command might create or test is ever dialled.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { ROUTES } from '../../../src/doors/api/route-docs.js';
import { TRANSFORMER_NAMES } from '../../../src/services/transformers/index.js';
import { setResolver } from '../../../src/services/delivery/ssrf.js';
import { mountedRoutes } from '../../helpers/routes.js';
import { useRig } from '../../helpers/rig.js';
import { linkSlackTeam } from '../../helpers/slack-link.js';
import { hostileKey, hostileString, hostileValue, junkBody, mutated, prototypeSnapshot, toJson, type Tree } from '../../helpers/hostile.js';

const SIGNING_SECRET = 'hostile-signing-secret-0123456789abcdef';
const prototypes = prototypeSnapshot();
// What a template that reached a function, the process or a file would print.
const LEAKS = /\[native code\]|function\s*\w*\s*\(|root:x?:0:0|process\.|require\(/;

beforeAll(() => setResolver(async () => [{ address: '127.0.0.1', family: 4 }]));
const { svc, rx } = useRig({
  env: () => ({ FORJINN_ALLOW_PRIVATE: 'false', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-hostile', SLACK_API_URL: `${rx.url}/api` }),
  roles: { api: true, worker: false },
  responder: (_req, _n, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"ts":"1.2","channel":"C1"}'),
});
afterAll(() => setResolver(undefined));

const preview = (body: unknown) => svc.api('POST', '/v1/preview', body);

describe('templates', () => {
  test.each([
    '{{constructor}}',
    '{{constructor.constructor}}',
    '{{constructor.constructor "return process"}}',
    '{{__proto__}}',
    '{{this.__proto__.constructor.name}}',
    '{{lookup this "__proto__"}}',
    '{{lookup this "constructor"}}',
    '{{lookup (lookup this "constructor") "constructor"}}',
    '{{#with (lookup this "constructor") as |c|}}{{c.name}}{{c.prototype}}{{/with}}',
    '{{#with this.constructor}}{{name}}{{/with}}',
    '{{#each this.__proto__}}{{@key}}{{/each}}',
    '{{#each (lookup this "__proto__")}}{{@key}}={{this}}{{/each}}',
    '{{#with "text" as |s|}}{{s.constructor.constructor}}{{s.length}}{{/with}}',
    '{{@root.constructor}}{{@root.__proto__}}',
    '{{toString}}{{valueOf}}{{hasOwnProperty}}{{__defineGetter__}}{{__lookupGetter__}}',
    '{{json (lookup this "constructor")}}',
    '{{> foo}}',
    '{{> /etc/passwd}}',
    '{{> ../../templates/generic/default}}',
    '{{> (lookup this "event")}}',
    '{{#> layout}}body{{/layout}}',
    '{{log "hostile" level="error"}}',
    '{{helperMissing "x"}}{{blockHelperMissing "x"}}',
  ])('%s reaches nothing', async (template) => {
    for (const transformer of ['generic', 'slack']) {
      const res = await preview({ transformer, template, event: 'flow_completed', ...(transformer === 'slack' ? {} : {}) });
      expect([template, res.status]).toEqual([template, res.status === 200 ? 200 : 400]);
      const text = JSON.stringify(res.body);
      expect([template, LEAKS.test(res.status === 200 ? JSON.stringify(res.body.body) : text)]).toEqual([template, false]);
    }
    expect(prototypeSnapshot()).toBe(prototypes);
  });

  test('nested loops over a large payload stop at the loop budget instead of holding the process', async () => {
    // Three loops over every key of the event: harmless on the samples the save check renders,
    // 400 x 400 x 400 iterations on a payload with 400 extra keys.
    const payload = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${i}`, i]));
    const template = '{"x":"{{#each this}}{{#each @root}}{{#each @root}}xxxxxxxxxx{{/each}}{{/each}}{{/each}}"}';
    // What shows the render stopped early is the answer naming the budget it stopped at (64
    // million iterations run out would name none); how fast is the bench's to measure.
    const res = await preview({ transformer: 'generic', template, event: 'flow_completed', payload });
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(res.body)).toMatch(/loops more than 20000 times|produce more than/);
  });

  test('random preview requests never answer 5xx nor leak functions', async () => {
    const fragments = ['{{', '}}', '{{{', '}}}', '#each', '#with', '#if', '/each', '/with', '/if', 'else', 'lookup', 'this', '@root', '../', '__proto__', 'constructor', 'prototype', '>', ' ', '"x"', '(', ')', 'as |a|', 'json', 'truncate', '1e9', '-1', 'output', 'meta', '~', '!--', '^', '=', '\u0000', '🔥'];
    const template = fc.oneof(hostileString, fc.array(fc.constantFrom(...fragments), { maxLength: 30 }).map((p) => p.join('')));
    const base: Record<string, Tree> = { transformer: 'generic', event: 'flow_completed' };
    const body = fc.oneof(
      junkBody,
      mutated(base, ['transformer', 'transformerConfig', 'template', 'event', 'payload']),
      fc.tuple(fc.constantFrom(...TRANSFORMER_NAMES), template).map(([transformer, t]) => JSON.stringify({ transformer, template: t })),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await svc.api('POST', '/v1/preview', b);
        if (res.status >= 500) throw new Error(`${res.status} for ${b.slice(0, 200)}: ${JSON.stringify(res.body).slice(0, 200)}`);
        // (unless the request itself holds such text, which a template may print as it is)
        if (res.status === 200 && !LEAKS.test(b)) expect(LEAKS.test(String(res.body.body))).toBe(false);
      }),
      { numRuns: 150 },
    );
    expect(prototypeSnapshot()).toBe(prototypes);
  }, 90_000);
});

describe('POST /slack/events', () => {
  const sign = (ts: number, body: string) => `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const slackPost = async (body: string, type: string, signed: boolean) => {
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${svc.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': type, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signed ? sign(ts, body) : `v0=${'0'.repeat(64)}` },
      body,
    });
    return { status: res.status, text: await res.text() };
  };

  test('is mounted when the Slack app is on', () => {
    const documented = ROUTES.some((r) => r.path === '/slack/events');
    expect(mountedRoutes(svc.rt).some(([m, p]) => m === 'post' && p === '/slack/events')).toBe(documented);
    expect(documented).toBe(true);
  });

  test('unsigned junk is refused with 401, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(junkBody, fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'), async (body, type) => {
        const res = await slackPost(body, type, false);
        expect(res.status).toBe(401);
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  test('signed commands and payloads with hostile fields never answer 5xx', async () => {
    await linkSlackTeam(svc, SIGNING_SECRET, 'THOSTILE1');
    const words = ['webhook', 'add', 'list', 'remove', 'test', 'help', 'subscribe', 'unsubscribe', 'subscriptions', 'link', 'https://hooks.test/x', 'http://127.0.0.1/', 'flow_completed', '*', '--events', '--secret', '"', "'", '<https://x.test|x>', '<#C1|general>', '<@U1>', '\u0000', '🔥'];
    const text = fc.oneof(hostileString, fc.array(fc.constantFrom(...words), { maxLength: 8 }).map((w) => w.join(' ')));
    const form = fc.tuple(text, fc.constantFrom('THOSTILE1', 'TOTHER9', ''), fc.array(fc.tuple(hostileKey, hostileString), { maxLength: 3 })).map(([t, team, extra]) => {
      const p = new URLSearchParams({ command: '/forjinn', text: t, team_id: team, user_id: 'U1', channel_id: 'C1', trigger_id: '1.2' });
      for (const [k, v] of extra) if (!/response_url/i.test(k)) p.append(k, v);
      p.set('response_url', `${rx.url}/respond`); // the only place a response may go
      return { body: p.toString(), type: 'application/x-www-form-urlencoded' };
    });
    const forms = fc.asyncProperty(form, async ({ body, type }) => {
      const res = await slackPost(body, type, true);
      if (res.status >= 500) throw new Error(`${res.status} for ${body.slice(0, 200)}: ${res.text.slice(0, 200)}`);
    });
    await fc.assert(forms, { numRuns: 25 });
    // JSON objects of unknown shape: the guard answers them at once (the app runs no Events API
    // request). Signed bodies that are not objects have their own test below.
    const objects = hostileValue.filter((v): v is { entries: Array<[string, Tree]> } => v !== null && typeof v === 'object' && !Array.isArray(v));
    const json = objects.map(toJson).filter((b) => !/response_url|https?:/i.test(b));
    await fc.assert(
      fc.asyncProperty(json, async (body) => {
        const res = await slackPost(body, 'application/json', true);
        if (res.status >= 500) throw new Error(`${res.status} for ${body.slice(0, 200)}: ${res.text.slice(0, 200)}`);
      }),
      { numRuns: 25 },
    );
    expect(prototypeSnapshot()).toBe(prototypes);
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
  }, 90_000);

  test('a signed JSON body that is not an object answers 400, never 5xx', async () => {
    for (const body of ['null', '[]', '[1,2]', '42', '"x"', 'true', '{', '']) {
      const res = await slackPost(body, 'application/json', true);
      expect([body, res.status]).toEqual([body, 400]);
    }
  }, 60_000);

  test("a signed JSON object answers Slack's URL check, and 404 for a type the app does not run", async () => {
    const check = await slackPost(JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'c-123' }), 'application/json', true);
    expect([check.status, JSON.parse(check.text)]).toEqual([200, { challenge: 'c-123' }]);
    const other = await slackPost(JSON.stringify({ type: 'event_callback', event: { type: 'app_mention' } }), 'application/json', true);
    expect([other.status, JSON.parse(other.text).error.code]).toEqual([404, 'not_found']);
  }, 60_000);
});
