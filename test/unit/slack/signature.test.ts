// The signer the Slack tests use must be Slack's own algorithm: checked against the example
// Slack publishes, so a request the service accepts in those tests is one Slack could have sent.
import { describe, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { SLACK_EXAMPLE, slackSignature } from '../../helpers/fake-slack.js';

describe('Slack request signatures (v0)', () => {
  test("reproduce Slack's published example", () => {
    expect(slackSignature(SLACK_EXAMPLE.secret, SLACK_EXAMPLE.timestamp, SLACK_EXAMPLE.body)).toBe(SLACK_EXAMPLE.signature);
  });

  test('change with any byte of the body, the timestamp or the secret', () => {
    const { secret, timestamp, body, signature } = SLACK_EXAMPLE;
    expect(slackSignature(secret, timestamp, `${body} `)).not.toBe(signature);
    expect(slackSignature(secret, String(Number(timestamp) + 1), body)).not.toBe(signature);
    expect(slackSignature(`${secret}x`, timestamp, body)).not.toBe(signature);
  });

  test('are HMAC-SHA256 over "v0:{timestamp}:{body}", written independently here', () => {
    const mac = createHmac('sha256', 'a-test-secret').update('v0:1700000000:a=1&b=2').digest('hex');
    expect(slackSignature('a-test-secret', '1700000000', 'a=1&b=2')).toBe(`v0=${mac}`);
  });
});
