// The log's redaction holds in both forms: a request's bearer key, a webhook's secret and a URL
// logged by mistake come out as [redacted], in the pretty lines as in the JSON ones.
import { Writable } from 'node:stream';
import { describe, expect, test } from '@jest/globals';
import { createLogger, resolveLogFormat, type LogFormat } from '../../../src/core/log.js';

const KEY = 'fjk_redaction_test_0123456789abcdefghijklmnopqrstu';
const SECRET = 'whsec_cmVkYWN0aW9uLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODk=';
const URL_TOKEN = 'https://hooks.slack.com/services/T000/B000/XXXXtokenXXXX';

function capture(format: LogFormat) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('info', sink, format), lines };
}

describe.each(['pretty', 'json'] as const)('%s', (format) => {
  test('a request with a bearer key and a webhook with a secret: neither reaches the line', () => {
    const { log, lines } = capture(format);
    log.info({ headers: { authorization: `Bearer ${KEY}` }, method: 'POST', path: '/v1/webhooks' }, 'request');
    log.info({ webhook: { id: 'wh_1', secret: SECRET, url: URL_TOKEN }, authorization: `Bearer ${KEY}`, apiKey: KEY }, 'webhook created');
    log.warn({ secret: SECRET, url: URL_TOKEN }, 'rotated');
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      expect(l).not.toContain(KEY);
      expect(l).not.toContain(SECRET);
      expect(l).not.toContain('XXXXtokenXXXX');
    }
    expect(lines.join('\n')).toContain('[redacted]');
    if (format === 'pretty') {
      expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request /);
      expect(lines[2]).toMatch(/\] WARN: rotated /);
      expect(() => JSON.parse(lines[0])).toThrow();
    } else {
      expect(JSON.parse(lines[0])).toMatchObject({ level: 30, msg: 'request', headers: { authorization: '[redacted]' } });
    }
  });

  test('an error is one line with its message', () => {
    const { log, lines } = capture(format);
    log.error({ err: new Error('the database went away') }, 'error while closing');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('the database went away');
  });
});

test('unset: pretty on a terminal, JSON otherwise; a setting wins', () => {
  expect(resolveLogFormat(undefined, true)).toBe('pretty');
  expect(resolveLogFormat(undefined, false)).toBe('json');
  expect(resolveLogFormat('json', true)).toBe('json');
  expect(resolveLogFormat('pretty', false)).toBe('pretty');
});
