// The guard where the socket opens: the delivery client with the SSRF connector and a stub
// resolver (no DNS query leaves the machine). Traffic only ever goes to 127.0.0.x: the
// "public" address of these tests is 127.0.0.2, opened by FORJINN_ALLOWED_CIDRS; addresses of
// the TEST-NET ranges appear only as answers that must be refused before any socket is opened.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createSender, type Sender } from '../../../src/services/delivery/http.js';
import { classify } from '../../../src/services/delivery/retry-policy.js';
import { generic } from '../../../src/services/transformers/generic/index.js';
import { connectGuard, setResolver, type ResolvedAddress } from '../../../src/services/delivery/ssrf.js';
import { parseCidrList } from '../../../src/core/net-ranges.js';
import { startTwinServers, type TwinServers } from '../../helpers/twin-servers.js';

let twins: TwinServers;
let sender: Sender;
const lookups: string[] = [];

/** Answers each name from a script: the n-th lookup of a name gets the n-th answer (the last one repeats). */
function scriptedResolver(script: Record<string, string[][]>) {
  const seen = new Map<string, number>();
  setResolver(async (host) => {
    lookups.push(host);
    const answers = script[host];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    const n = seen.get(host) ?? 0;
    seen.set(host, n + 1);
    return answers[Math.min(n, answers.length - 1)].map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  });
}

beforeAll(async () => {
  twins = await startTwinServers();
  sender = createSender({
    timeoutMs: 2_000,
    connectTimeoutMs: 1_000,
    connect: connectGuard({ allowPrivate: false, allowedRanges: parseCidrList('127.0.0.2/32'), FORJINN_CONNECT_TIMEOUT_MS: 1_000 }),
  });
});
afterEach(() => {
  setResolver(undefined);
  lookups.length = 0;
  twins.dropConnections();
  twins.allowed.length = 0;
  twins.internal.length = 0;
});
afterAll(async () => {
  await sender?.close();
  await twins?.close();
});

const send = (url: string) => sender.send(url, { 'content-type': 'application/json' }, '{"probe":true}');

describe('rebinding', () => {
  test('the checked address is the one dialled: one lookup per connection, its answer pinned', async () => {
    // First answer allowed, every later one the internal address: a guard that checked one
    // lookup and let the socket do another would land on 127.0.0.1.
    scriptedResolver({ 'rebind.test': [['127.0.0.2'], ['127.0.0.1']] });
    const first = await send(`http://rebind.test:${twins.port}/a`);
    expect(first).toMatchObject({ kind: 'response', status: 200 });
    expect(twins.allowed.map((h) => h.path)).toEqual(['/a']);
    expect(twins.internal).toEqual([]);
    expect(lookups).toEqual(['rebind.test']);

    // A new connection looks the name up again, and this time the answer is refused.
    twins.dropConnections();
    const second = await send(`http://rebind.test:${twins.port}/b`);
    expect(second).toMatchObject({ kind: 'error', reason: 'blocked_address' });
    expect(second.kind === 'error' && second.message).toMatch(/rebind\.test \(127\.0\.0\.1\) is a loopback address/);
    expect(classify(second, generic.answers)).toMatchObject({ outcome: 'refuse' });
    expect(twins.internal).toEqual([]);
    expect(lookups).toEqual(['rebind.test', 'rebind.test']);
  });

  test('an answer with any blocked address is refused whole, even beside an allowed one', async () => {
    scriptedResolver({ 'mixed.test': [['127.0.0.2', '127.0.0.1']], 'mixed6.test': [['127.0.0.2', '::1']] });
    for (const host of ['mixed.test', 'mixed6.test']) {
      const r = await send(`http://${host}:${twins.port}/`);
      expect(r).toMatchObject({ kind: 'error', reason: 'blocked_address' });
    }
    expect(twins.allowed).toEqual([]);
    expect(twins.internal).toEqual([]);
  });

  test.each([
    ['a public-looking documentation address', ['203.0.113.10'], /reserved/],
    ['cloud metadata', ['169.254.169.254'], /link-local/],
    ['IPv6 cloud metadata', ['fd00:ec2::254'], /unique-local/],
    ['IPv4-mapped loopback', ['::ffff:127.0.0.1'], /loopback/],
    ['NAT64 of loopback', ['64:ff9b::7f00:1'], /NAT64/],
    ['6to4 of loopback', ['2002:7f00:1::1'], /6to4/],
    ['CGNAT', ['100.64.1.1'], /carrier-grade NAT/],
    ['benchmarking', ['198.18.0.1'], /reserved/],
  ])('a name answering %s is refused before any socket opens', async (_what, answer, reason) => {
    scriptedResolver({ 'evil.test': [answer] });
    const r = await send(`http://evil.test:${twins.port}/`);
    expect(r).toMatchObject({ kind: 'error', reason: 'blocked_address' });
    expect(r.kind === 'error' && r.message).toMatch(reason);
  });

  test('a name that does not resolve is a network error (retried), not a blocked one', async () => {
    scriptedResolver({});
    const r = await send(`http://nowhere.test:${twins.port}/`);
    expect(r).toMatchObject({ kind: 'error', reason: 'network' });
    expect(r.kind === 'error' && r.message).toMatch(/ENOTFOUND/);
  });
});

describe('literal addresses, which never reach a lookup', () => {
  test.each(['127.0.0.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '2130706433', '0x7f.1', '127.1', '[::1]', '0.0.0.0'])(
    'http://%s is refused at connect time',
    async (host) => {
      scriptedResolver({});
      const r = await send(`http://${host}:${twins.port}/`);
      expect(r).toMatchObject({ kind: 'error', reason: 'blocked_address' });
      expect(twins.internal).toEqual([]);
      expect(lookups).toEqual([]);
    },
  );

  test('the allowed literal address is dialled', async () => {
    expect(await send(`http://127.0.0.2:${twins.port}/ok`)).toMatchObject({ kind: 'response', status: 200 });
    expect(twins.allowed.map((h) => h.path)).toEqual(['/ok']);
  });
});

describe('redirects', () => {
  test.each([301, 302, 307, 308])('a %i to an internal address is not followed', async (status) => {
    twins.respond((_req, res) => void res.writeHead(status, { location: `http://127.0.0.1:${twins.port}/internal` }).end());
    try {
      const r = await send(`http://127.0.0.2:${twins.port}/hook`);
      expect(r).toMatchObject({ kind: 'response', status });
      expect(classify(r, generic.answers)).toMatchObject({ outcome: 'retry', reason: expect.stringMatching(/redirect not followed/) });
      expect(twins.internal).toEqual([]);
    } finally {
      twins.respond((_req, res) => void res.writeHead(200).end('ok'));
    }
  });
});
