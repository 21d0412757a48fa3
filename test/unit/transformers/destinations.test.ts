// What one destination is, per target (Transformer.destination, read by the worker's pacer): the
// webhook URL unless the vendor counts its rate per something else.
import { describe, expect, it } from '@jest/globals';
import { TRANSFORMERS } from '../../../src/services/transformers/index.js';
import { bucketPause } from '../../../src/services/transformers/discord/rate.js';

const destinationOf = (name: keyof typeof TRANSFORMERS, config: unknown, url: string) => TRANSFORMERS[name].destination?.(config, url) ?? url;

describe('destinations', () => {
  it('Slack: the incoming webhook URL, or in bot mode the channel whatever the URL', () => {
    const hook = 'https://hooks.slack.com/services/T0/B0/x';
    expect(destinationOf('slack', {}, hook)).toBe(hook);
    const api = 'https://slack.com/api/chat.postMessage';
    expect(destinationOf('slack', { channel: 'C0ALERTS1' }, api)).toBe(destinationOf('slack', { channel: ' C0ALERTS1 ' }, `${api}?other`));
    expect(destinationOf('slack', { channel: 'C0ALERTS1' }, api)).not.toBe(destinationOf('slack', { channel: 'C0OTHER01' }, api));
  });

  it('Google Chat: the space, shared by two webhooks of it (different keys and tokens), not by another space', () => {
    const url = (space: string, token: string) => `https://chat.googleapis.com/v1/spaces/${space}/messages?key=k-${token}&token=t-${token}`;
    expect(destinationOf('google-chat', {}, url('AAAA1234', '1'))).toBe(destinationOf('google-chat', {}, url('AAAA1234', '2')));
    expect(destinationOf('google-chat', {}, url('AAAA1234', '1'))).not.toBe(destinationOf('google-chat', {}, url('BBBB5678', '1')));
    expect(destinationOf('google-chat', {}, url('AAAA1234', '1'))).not.toContain('t-1');
  });

  it('PagerDuty: the routing key, kept only as its hash, whatever the URL', () => {
    const key = 'a'.repeat(32);
    const one = destinationOf('pagerduty', { routingKey: key }, 'https://events.pagerduty.com/v2/enqueue');
    expect(one).toBe(destinationOf('pagerduty', { routingKey: key }, 'https://events.eu.pagerduty.com/v2/enqueue'));
    expect(one).not.toBe(destinationOf('pagerduty', { routingKey: 'b'.repeat(32) }, 'https://events.pagerduty.com/v2/enqueue'));
    expect(one).not.toContain(key);
  });
});

describe("Discord's bucket headers", () => {
  it('pause until the bucket resets only when nothing remains in it', () => {
    expect(bucketPause({ headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '1.25' } })).toBe(1_250);
    expect(bucketPause({ headers: { 'x-ratelimit-remaining': '3', 'x-ratelimit-reset-after': '1.25' } })).toBeUndefined();
    expect(bucketPause({ headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': 'soon' } })).toBeUndefined();
    expect(bucketPause({ headers: {} })).toBeUndefined();
  });
});
