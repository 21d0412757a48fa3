// The signatures are checked by verifiers that share no code with ours: the standardwebhooks
// package, @octokit/webhooks-methods (GitHub's sha256= form) and an HMAC computed here; then
// the package's own receiving side (verifyWebhook) on what the signer sends.
import { createHmac } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { signatureHeaders } from '../../../src/services/signing/sign.js';
import { verifyWebhook, WebhookVerificationError } from '../../../src/services/receiving/verify.js';

const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const body = JSON.stringify({ event: 'flow_completed', output: 'héllo "quoted" \n line' });
const id = 'a1b2c3d4-0000-4000-8000-000000000001';

describe('signing', () => {
  const now = Math.floor(Date.now() / 1000);
  const headers = signatureHeaders([secret], id, now, body);

  test('Standard Webhooks verifier accepts webhook-signature', () => {
    const wh = new Webhook(secret);
    expect(wh.verify(body, { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': headers['webhook-signature'] })).toEqual(JSON.parse(body));
  });

  test('octokit accepts X-Forjinn-Signature (the X-Hub-Signature-256 form)', async () => {
    expect(await octokitVerify(secret, body, headers['x-forjinn-signature'])).toBe(true);
    expect(await octokitVerify('another-secret-entirely', body, headers['x-forjinn-signature'])).toBe(false);
  });

  test('an independent HMAC matches both forms', () => {
    const hex = createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
    expect(headers['x-forjinn-signature']).toBe(`sha256=${hex}`);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const b64 = createHmac('sha256', key).update(`${id}.${now}.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${b64}`);
  });

  test('a secret without whsec_ keys Standard Webhooks with its UTF-8 bytes', () => {
    const plain = 'plain-secret-of-some-length';
    const h = signatureHeaders([plain], id, now, body);
    const b64 = createHmac('sha256', Buffer.from(plain, 'utf8')).update(`${id}.${now}.${body}`).digest('base64');
    expect(h['webhook-signature']).toBe(`v1,${b64}`);
  });

  test('during a rotation each secret verifies with octokit and standardwebhooks, on its own header', async () => {
    const old = `whsec_${Buffer.from('fedcba9876543210fedcba9876543210').toString('base64')}`;
    const h = signatureHeaders([secret, old], id, now, body);
    // GitHub-style: one sha256= value a header, the new secret's and the previous one's.
    expect(await octokitVerify(secret, body, h['x-forjinn-signature'])).toBe(true);
    expect(await octokitVerify(old, body, h['x-forjinn-signature-previous'])).toBe(true);
    expect(await octokitVerify(old, body, h['x-forjinn-signature'])).toBe(false);
    // Standard Webhooks: both v1, values in webhook-signature.
    const std = { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': h['webhook-signature'] };
    expect(new Webhook(old).verify(body, std)).toEqual(JSON.parse(body));
    expect(new Webhook(secret).verify(body, std)).toEqual(JSON.parse(body));
  });

  test('without a rotation there is no previous header', () => {
    expect(Object.keys(signatureHeaders([secret], id, now, body)).sort()).toEqual(['webhook-signature', 'x-forjinn-signature']);
  });

  test('no secret, no signature headers', () => {
    expect(signatureHeaders([], id, now, body)).toEqual({});
  });
});

describe('verifyWebhook (receiver side)', () => {
  const now = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'webhook-id': id, 'webhook-timestamp': String(now), ...signatureHeaders([secret], id, now, body) };

  test('accepts a good delivery and answers the parsed body', () => {
    expect(verifyWebhook(body, headers, secret)).toEqual(JSON.parse(body));
    expect(verifyWebhook(Buffer.from(body), new Headers(headers), secret)).toEqual(JSON.parse(body));
  });

  test('accepts the sha256= form alone', () => {
    expect(verifyWebhook(body, { 'X-Forjinn-Signature': headers['x-forjinn-signature'] }, secret)).toEqual(JSON.parse(body));
  });

  describe('during a secret rotation', () => {
    const old = `whsec_${Buffer.from('fedcba9876543210fedcba9876543210').toString('base64')}`;
    const other = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const rotating = signatureHeaders([secret, old], id, now, body);
    const githubStyle = { 'X-Forjinn-Signature': rotating['x-forjinn-signature'], 'X-Forjinn-Signature-Previous': rotating['x-forjinn-signature-previous'] };

    test('a receiver holding only the new or only the old secret accepts the GitHub-style headers', () => {
      for (const held of [secret, old]) expect(verifyWebhook(body, githubStyle, held)).toEqual(JSON.parse(body));
      expect(verifyWebhook(Buffer.from(body), new Headers(githubStyle), old)).toEqual(JSON.parse(body));
      expect(() => verifyWebhook(body, githubStyle, other)).toThrow('no matching signature');
    });

    test('the previous header alone is enough for the old secret', () => {
      expect(verifyWebhook(body, { 'x-forjinn-signature-previous': githubStyle['X-Forjinn-Signature-Previous'] }, old)).toEqual(JSON.parse(body));
    });

    test('either secret accepts the Standard Webhooks headers', () => {
      const all = { 'webhook-id': id, 'webhook-timestamp': String(now), ...rotating };
      for (const held of [secret, old]) expect(verifyWebhook(body, all, held)).toEqual(JSON.parse(body));
      expect(() => verifyWebhook(body, all, other)).toThrow('no matching signature');
    });
  });

  test('refuses a changed body, a wrong secret, an old timestamp and missing headers', () => {
    expect(() => verifyWebhook(body.replace('héllo', 'hello'), headers, secret)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(body, headers, 'whsec_' + Buffer.alloc(32).toString('base64'))).toThrow('no matching signature');
    expect(() => verifyWebhook(body, headers, secret, { now: (now + 301) * 1000 })).toThrow('too old');
    expect(() => verifyWebhook(body, {}, secret)).toThrow('missing signature headers');
  });
});
