// Without SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN the Slack app is off: one log line says
// how to turn it on, and nothing of it is mounted.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';

let svc: TestService;

beforeAll(async () => {
  // A bot token alone is not enough: requests could not be verified.
  svc = await startService({ SLACK_BOT_TOKEN: 'xoxb-only-a-token' });
}, 60_000);

afterAll(() => svc?.close());

test('the Slack app is off with one log line, and its routes are not there', async () => {
  const lines = svc.logs.filter((l) => /Slack app/.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('Slack app off: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN');
  expect(svc.logs.join('')).not.toContain('xoxb-only-a-token');
  const events = await fetch(`${svc.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'command=%2Fforjinn' });
  expect(events.status).toBe(404);
  expect((await svc.api('GET', '/v1/slack/links')).status).toBe(404);
  expect((await svc.api('POST', '/v1/slack/link-codes', {})).status).toBe(404);
});
