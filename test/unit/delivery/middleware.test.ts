// The package's Express middleware (forjinnWebhook, from the package's entry) on a real server on
// 127.0.0.1:0, given what the signer sends during a secret rotation: a receiver configured with
// only the old secret and one with only the new one both take every request, GitHub-style headers
// alone included; any other secret is answered 400.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { forjinnWebhook } from '../../../src/index.js';
import { signatureHeaders } from '../../../src/services/signing/sign.js';

const newSecret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const oldSecret = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const otherSecret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const body = JSON.stringify({ event: 'flow_completed', id: 'evt-1', output: 'héllo' });
const id = 'a1b2c3d4-0000-4000-8000-000000000002';

let server: Server;
let url = '';

beforeAll(async () => {
  const app = express();
  for (const [path, secret] of [['/old', oldSecret], ['/new', newSecret], ['/other', otherSecret]] as const) {
    app.post(path, forjinnWebhook(secret), (req, res) => {
      res.json({ got: req.body });
    });
  }
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function rotating(): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), ...signatureHeaders([newSecret, oldSecret], id, ts, body) };
}
const githubStyleOnly = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith('webhook-')));

async function post(path: string, headers: Record<string, string>) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, body: await res.json() };
}

describe('forjinnWebhook during a secret rotation', () => {
  test.each([
    ['all headers', rotating],
    ['X-Forjinn-Signature and X-Forjinn-Signature-Previous only', () => githubStyleOnly(rotating())],
  ])('%s: the old secret and the new one each accept the delivery; another secret is refused', async (_name, headers) => {
    for (const path of ['/old', '/new']) expect([path, await post(path, headers())]).toEqual([path, { status: 200, body: { got: JSON.parse(body) } }]);
    expect(await post('/other', headers())).toEqual({ status: 400, body: { error: 'no matching signature' } });
  });
});
