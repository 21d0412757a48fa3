// The status matrix, for every transformer in the registry (a new one is covered the day it is
// added, and fails until its column below is written): each answer a target can give, through
// the one retry policy the engine uses, must end in the decision docs/transformers.md and
// docs/delivery.md give for that target; and no reason may carry a secret, even when the answer
// echoes every secret we know. Network errors and timeouts are real ones, from the sender, to a
// URL holding a webhook token. Modelled on Alertmanager's notify tests (notify/test).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { classify } from '../../../src/services/delivery/retry-policy.js';
import { createSender, type SendResult } from '../../../src/services/delivery/http.js';
import { TRANSFORMER_NAMES, TRANSFORMERS, type TransformerName } from '../../../src/services/transformers/index.js';
import type { Outcome, Verdict } from '../../../src/services/transformers/types.js';
import { BOT_TOKEN, DISCORD_HOOK, ROUTING_KEY, SECRETS } from '../../helpers/transformer-fixtures.js';

const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const DISCORD_TOKEN = DISCORD_HOOK.split('/').pop()!;
const ALL_SECRETS = [...SECRETS, WEBHOOK_SECRET, DISCORD_TOKEN];

/** Answers that repeat every secret, the way a careless proxy or a vendor's error might: as text and as the JSON fields targets read. */
const ECHO_TEXT = `invalid request ${ALL_SECRETS.join(' ')} Authorization: Bearer ${BOT_TOKEN} routing_key=${ROUTING_KEY}`;
const ECHO_JSON = JSON.stringify({ message: ECHO_TEXT, code: 50035, error: { code: ECHO_TEXT, status: ECHO_TEXT, message: ECHO_TEXT }, errors: [ECHO_TEXT] });

const S = 'success';
const R = 'retry';
const F = 'refuse';
const D = 'disable';
type Row = Record<TransformerName, Outcome>;
const all = (outcome: Outcome): Row => Object.fromEntries(TRANSFORMER_NAMES.map((n) => [n, outcome])) as Row;
/** The chat targets alike, generic as given. */
const chat = (outcome: Outcome, generic: Outcome): Row => ({ ...all(outcome), generic });

// A Retry-After two minutes ahead, as an HTTP date (whole seconds).
const soon = () => new Date(Date.now() + 120_000).toUTCString();

interface Case {
  label: string;
  status: number;
  headers?: Record<string, string>;
  /** The wait expected from the answer's Retry-After, per target ([min, max] ms); none: no wait set. */
  wait?: Partial<Record<TransformerName, [number, number]>>;
  expected: Row;
}

const everyone = (range: [number, number]) => Object.fromEntries(TRANSFORMER_NAMES.map((n) => [n, range]));

// The expected table, per target (docs/transformers.md "Answers", docs/delivery.md "Retries").
const MATRIX: Case[] = [
  { label: '100', status: 100, expected: all(R) },
  { label: '200', status: 200, expected: all(S) },
  { label: '201', status: 201, expected: all(S) },
  { label: '202', status: 202, expected: all(S) },
  { label: '204', status: 204, expected: all(S) },
  { label: '301', status: 301, headers: { location: 'https://elsewhere.example/' }, expected: chat(F, R) },
  { label: '302', status: 302, headers: { location: 'https://elsewhere.example/' }, expected: chat(F, R) },
  { label: '304', status: 304, expected: chat(F, R) },
  // A chat target's 400: this payload will never be accepted.
  { label: '400', status: 400, expected: chat(F, R) },
  { label: '401', status: 401, expected: { generic: R, slack: D, teams: D, discord: D, pagerduty: F, 'google-chat': D } },
  { label: '403', status: 403, expected: { generic: R, slack: D, teams: D, discord: D, pagerduty: F, 'google-chat': D } },
  // A chat webhook answering 404 is gone (Discord 10015 Unknown Webhook, Slack channel_not_found).
  { label: '404', status: 404, expected: { generic: R, slack: D, teams: D, discord: D, pagerduty: F, 'google-chat': D } },
  { label: '408', status: 408, expected: all(R) },
  { label: '409', status: 409, expected: chat(F, R) },
  { label: '410', status: 410, expected: all(D) },
  { label: '413', status: 413, expected: chat(F, R) },
  { label: '422', status: 422, expected: chat(F, R) },
  { label: '429 without Retry-After', status: 429, expected: all(R) },
  { label: '429, Retry-After in seconds', status: 429, headers: { 'Retry-After': '7' }, wait: everyone([7000, 7000]), expected: all(R) },
  { label: '429, Retry-After as an HTTP date', status: 429, headers: { 'retry-after': soon() }, wait: everyone([100_000, 120_000]), expected: all(R) },
  { label: '429, Retry-After of days', status: 429, headers: { 'retry-after': '999999' }, wait: everyone([3_600_000, 3_600_000]), expected: all(R) },
  { label: '500', status: 500, expected: all(R) },
  { label: '502', status: 502, expected: all(R) },
  { label: '503, Retry-After in seconds', status: 503, headers: { 'retry-after': '7' }, wait: everyone([7000, 7000]), expected: all(R) },
  { label: '504', status: 504, expected: all(R) },
];

const response = (c: Case, body: string): SendResult => ({ kind: 'response', status: c.status, headers: c.headers ?? {}, body, durationMs: 1 });

function expectNoSecret(verdict: Verdict): void {
  if (verdict.outcome === 'success') return;
  expect(verdict.reason.length).toBeGreaterThan(0);
  for (const secret of ALL_SECRETS) expect(verdict.reason).not.toContain(secret);
  expect(verdict.reason).not.toMatch(/xox[bp]-|sig=[^[]|token=[^[]|key=[^[]|Bearer [^[]/);
}

// Real failures from the sender, to a URL that holds every kind of webhook token.
let network: SendResult;
let timeout: SendResult;
let silent: Server;
const held: Socket[] = [];
const SECRET_PATH = `/services/T0ABCDEFG/B0HIJKLMN/Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2/${DISCORD_TOKEN}?token=${WEBHOOK_SECRET}&sig=Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLzXcVbNm`;

beforeAll(async () => {
  const sender = createSender({ timeoutMs: 300, connectTimeoutMs: 300 });
  try {
    // A port that was free a moment ago: connection refused.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    network = await sender.send(`http://127.0.0.1:${closedPort}${SECRET_PATH}`, { authorization: `Bearer ${BOT_TOKEN}` }, ECHO_TEXT);
    // A receiver that takes the request and never answers.
    silent = createServer((s) => void held.push(s.on('data', () => undefined)));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    timeout = await sender.send(`http://127.0.0.1:${(silent.address() as AddressInfo).port}${SECRET_PATH}`, {}, ECHO_TEXT);
  } finally {
    await sender.close();
  }
});
afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise<void>((r) => silent?.close(() => r()));
});

it('every transformer in the registry has its column in the expected table', () => {
  for (const c of MATRIX) expect([c.label, Object.keys(c.expected).sort()]).toEqual([c.label, [...TRANSFORMER_NAMES].sort()]);
});

describe.each(TRANSFORMER_NAMES)('%s', (name) => {
  const rules = TRANSFORMERS[name].answers;

  it('declares its answers (a target without rules cannot be registered)', () => {
    expect(rules).toEqual(expect.objectContaining({ status: expect.any(Object) }));
  });

  it.each(MATRIX.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    for (const body of c.status >= 200 && c.status < 300 ? ['', 'ok', '{"status":"success"}'] : ['', ECHO_TEXT, ECHO_JSON]) {
      const verdict = classify(response(c, body), rules);
      expect([c.label, body.slice(0, 20), verdict.outcome]).toEqual([c.label, body.slice(0, 20), c.expected[name]]);
      const range = c.wait?.[name];
      const waited = verdict.outcome === 'retry' ? verdict.retryAfterMs : undefined;
      if (range) {
        expect(waited).toBeGreaterThanOrEqual(range[0]);
        expect(waited).toBeLessThanOrEqual(range[1]);
      } else expect(waited).toBeUndefined();
      expectNoSecret(verdict);
    }
  });

  it('a network error is retried, and its reason holds no secret', () => {
    expect(network).toMatchObject({ kind: 'error', reason: 'network' });
    const verdict = classify(network, rules);
    expect(verdict.outcome).toBe('retry');
    expectNoSecret(verdict);
  });

  it('a timeout is retried, and its reason holds no secret', () => {
    expect(timeout).toMatchObject({ kind: 'error', reason: 'timeout' });
    const verdict = classify(timeout, rules);
    expect(verdict.outcome).toBe('retry');
    expectNoSecret(verdict);
  });
});
