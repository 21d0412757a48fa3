// The Slack request guard's rules at their edges, with the clock moved instead of waited for:
// a timestamp 60 s ahead is let in and 61 s is not; 300 s old is let in and 301 s is not; the
// replay record is kept for the window plus the skew. The database is a recorder here; the
// integration tests run the same guard on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SLACK_FUTURE_SKEW_S, SLACK_WINDOW_S, slackRequestGuard } from '../../../src/doors/slack/request-guard.js';
import { errorHandler } from '../../../src/doors/api/error-handler.js';
import { createLogger } from '../../../src/core/log.js';
import { slackSignature } from '../../helpers/fake-slack.js';

const SECRET = 'unit-signing-secret';
const NOW_S = 1_800_000_000;
const log = createLogger('silent');
const queries: unknown[][] = [];
const seen = new Set<string>();
const db = {
  query: async (_sql: string, values: unknown[]) => {
    queries.push(values);
    const first = !seen.has(values[0] as string);
    seen.add(values[0] as string);
    return { rowCount: first ? 1 : 0, rows: [] };
  },
};
let server: Server;
let url = '';

beforeAll(async () => {
  const app = express();
  app.post('/slack/events', ...slackRequestGuard({ signingSecret: SECRET, db: db as never, log, now: () => NOW_S * 1000 + 500 }), (req, res) => {
    res.json({ rawBody: String((req as unknown as { rawBody: Buffer }).rawBody) });
  });
  app.use(errorHandler(log));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function send(body: string, ts: number | string, signature = slackSignature(SECRET, String(ts), body)) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature },
    body,
  });
  return { status: res.status, body: await res.json() };
}

describe('timestamps', () => {
  test(`up to ${SLACK_FUTURE_SKEW_S} s ahead is let in; one second more is refused`, async () => {
    expect((await send('a=1', NOW_S + SLACK_FUTURE_SKEW_S)).status).toBe(200);
    const ahead = await send('a=2', NOW_S + SLACK_FUTURE_SKEW_S + 1);
    expect(ahead.status).toBe(401);
    expect(ahead.body.error.message).toContain('in the future');
  });

  test(`up to ${SLACK_WINDOW_S} s old is let in; one second more is refused`, async () => {
    expect((await send('a=3', NOW_S - SLACK_WINDOW_S)).status).toBe(200);
    expect((await send('a=4', NOW_S - SLACK_WINDOW_S - 1)).body.error.message).toContain('minutes old');
  });
});

describe('what reaches the database', () => {
  test('only requests whose signature matched, recorded until the window and the skew are over', async () => {
    queries.length = 0;
    expect((await send('b=1', NOW_S, `v0=${'0'.repeat(64)}`)).status).toBe(401);
    expect((await send('b=2', NOW_S + 3600)).status).toBe(401);
    expect((await send('b=3', 'x')).status).toBe(401);
    expect(queries).toEqual([]);
    const ok = await send('b=4', NOW_S - 10);
    expect(ok).toEqual({ status: 200, body: { rawBody: 'b=4' } });
    expect(queries).toEqual([[slackSignature(SECRET, String(NOW_S - 10), 'b=4'), NOW_S - 10 + SLACK_WINDOW_S + SLACK_FUTURE_SKEW_S, NOW_S]]);
  });

  test('the second request with a signature is refused', async () => {
    expect((await send('c=1', NOW_S)).status).toBe(200);
    const again = await send('c=1', NOW_S);
    expect(again.status).toBe(401);
    expect(again.body.error.message).toContain('already received');
  });
});
