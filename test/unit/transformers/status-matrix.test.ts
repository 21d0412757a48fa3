// The status matrix, for every transformer in the registry (a new one is covered the day it is
// added, and fails until the `answers` column of its contract.ts is written): each answer a target
// can give, through the one retry policy the engine uses, must end in the decision
// docs/transformers.md and docs/delivery.md give for that target; and no reason may carry a
// secret, even when the answer echoes every secret we know. Network errors and timeouts are real
// ones, from the sender, to a URL holding a webhook token. Modelled on Alertmanager's notify tests
// (notify/test). The matrix and the per-target suite: test/helpers/target-contract.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { classify } from '../../../src/services/delivery/retry-policy.js';
import { createSender, type SendResult } from '../../../src/services/delivery/http.js';
import { DISCORD_HOOK } from '../../../src/services/transformers/discord/contract.js';
import { BOT_TOKEN, describeAnswers, ECHO_TEXT, expectNoSecret, REGISTERED, WEBHOOK_SECRET } from '../../helpers/target-contract.js';

const DISCORD_TOKEN = DISCORD_HOOK.split('/').pop()!;

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

describe.each(REGISTERED)('%s', (name, target) => {
  describeAnswers(name, target);

  it('a network error is retried, and its reason holds no secret', () => {
    expect(network).toMatchObject({ kind: 'error', reason: 'network' });
    const verdict = classify(network, target.transformer.answers);
    expect(verdict.outcome).toBe('retry');
    expectNoSecret(verdict);
  });

  it('a timeout is retried, and its reason holds no secret', () => {
    expect(timeout).toMatchObject({ kind: 'error', reason: 'timeout' });
    const verdict = classify(timeout, target.transformer.answers);
    expect(verdict.outcome).toBe('retry');
    expectNoSecret(verdict);
  });
});
