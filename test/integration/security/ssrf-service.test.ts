// SSRF through the whole service, with private targets refused (FORJINN_ALLOW_PRIVATE=false) and
// only 127.0.0.2 opened (FORJINN_ALLOWED_CIDRS): URLs refused when saved, names resolved when
// saved, a name that rebinds after the save refused at delivery (logged as blocked_address, not
// retried), and redirects to internal addresses never followed. Names are answered by a stub
// resolver; every socket goes to 127.0.0.x.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { setResolver } from '../../../src/services/delivery/ssrf.js';
import { startService, type TestService } from '../../helpers/service.js';
import { eventually } from '../../helpers/eventually.js';
import { startTwinServers, type TwinServers } from '../../helpers/twin-servers.js';

let svc: TestService;
let twins: TwinServers;
const dns: Record<string, string[]> = {};
const lookups: string[] = [];

beforeAll(async () => {
  setResolver(async (host) => {
    lookups.push(host);
    const answer = dns[host];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  });
  twins = await startTwinServers();
  svc = await startService({ FORJINN_ALLOW_PRIVATE: 'false', FORJINN_ALLOWED_CIDRS: '127.0.0.2/32', FORJINN_RETRY_DELAYS: '50ms,50ms,50ms' });
});
afterEach(() => {
  twins.respond((_req, res) => void res.writeHead(200).end('ok'));
});
afterAll(async () => {
  await svc?.close();
  await twins?.close();
  setResolver(undefined);
});

const create = (url: string, extra: Record<string, unknown> = {}) => svc.api('POST', '/v1/webhooks', { url, events: ['*'], ...extra });
const count = async () => (await svc.rt.ctx.db.pool.query<{ n: number }>('select count(*)::int as n from webhooks')).rows[0].n;
let seq = 0;
const emitTo = async (chatflowId: string) => {
  const res = await svc.api('POST', '/v1/events', { event: 'flow_completed', id: `ssrf-${seq++}`, chatflowId, input: 'x', output: 'y' });
  expect(res.status).toBe(202);
  return res.body.id as string;
};
async function settledDelivery(webhookId: string) {
  const list = await eventually(
    async () => {
      const r = await svc.api('GET', `/v1/webhooks/${webhookId}/deliveries`);
      return r.body.data.length && r.body.data[0].status !== 'pending' ? r.body.data : undefined;
    },
    { what: 'the delivery to finish' },
  );
  return (await svc.api('GET', `/v1/deliveries/${list[0].id}`)).body;
}

describe('when saved', () => {
  test.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://[::ffff:7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/',
    'http://10.0.0.1/',
    'http://[64:ff9b::a9fe:a9fe]/',
  ])('%s is refused: 400, field url, nothing stored', async (url) => {
    const before = await count();
    const res = await create(url);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', field: 'url', message: expect.stringMatching(/private, loopback and link-local targets are refused/) });
    expect(await count()).toBe(before);
  });

  test('a name resolving to an internal address is refused, without echoing the address', async () => {
    dns['metadata.test'] = ['169.254.169.254'];
    dns['intranet.test'] = ['203.0.113.9', '10.1.2.3'];
    for (const host of ['metadata.test', 'intranet.test']) {
      const res = await create(`http://${host}/hook`);
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('url');
      expect(res.body.error.message).toMatch(new RegExp(`${host.replace('.', '\\.')} resolves to a .* address`));
      expect(res.body.error.message).not.toMatch(/169\.254|10\.1\.2\.3/);
    }
  });

  test('PATCH to an internal name is refused and the webhook keeps its URL', async () => {
    dns['fine.test'] = ['127.0.0.2'];
    dns['internal.test'] = ['127.0.0.1'];
    const hook = await create(`http://fine.test:${twins.port}/p`);
    expect(hook.status).toBe(201);
    const res = await svc.api('PATCH', `/v1/webhooks/${hook.body.id}`, { url: `http://internal.test:${twins.port}/p` });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('url');
    expect((await svc.api('GET', `/v1/webhooks/${hook.body.id}`)).body.url).toBe(`http://fine.test:${twins.port}/p`);
  });

  test('a name that does not resolve yet is accepted (the connect-time guard still decides)', async () => {
    const res = await create('http://not-yet.test/hook', { enabled: false });
    expect(res.status).toBe(201);
    expect(lookups).toContain('not-yet.test');
  });
});

describe('at delivery', () => {
  test('a name that rebinds to 127.0.0.1 after the save is refused: blocked_address, one attempt, nothing reaches it', async () => {
    dns['rebind.test'] = ['127.0.0.2'];
    const hook = await create(`http://rebind.test:${twins.port}/rebind`, { filters: { chatflowIds: ['rebind'] } });
    expect(hook.status).toBe(201);
    dns['rebind.test'] = ['127.0.0.1'];
    await emitTo('rebind');
    const d = await settledDelivery(hook.body.id);
    expect(d).toMatchObject({ status: 'failed' });
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0]).toMatchObject({ outcome: 'refuse', responseStatus: null });
    expect(d.lastError).toMatch(/^blocked_address: rebind\.test \(127\.0\.0\.1\) is a loopback address/);
    expect(twins.internal).toEqual([]);
  });

  test('a URL saved before private targets were refused is refused at delivery, not retried', async () => {
    const hook = await create(`http://127.0.0.2:${twins.port}/old`, { filters: { chatflowIds: ['old'] } });
    // What an older configuration (FORJINN_ALLOW_PRIVATE=true) would have let through.
    await svc.rt.ctx.db.pool.query('update webhooks set url_enc = $2, updated_at = now() where id = $1', [hook.body.id, svc.rt.ctx.cipher.encrypt(`http://[::ffff:127.0.0.1]:${twins.port}/old`)]);
    await emitTo('old');
    const d = await settledDelivery(hook.body.id);
    expect(d).toMatchObject({ status: 'failed' });
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0]).toMatchObject({ outcome: 'refuse', responseStatus: null, error: expect.stringMatching(/^blocked_address: ::ffff:7f00:1 is a loopback address/) });
    expect(twins.internal).toEqual([]);
  });

  test('Send Test to an address that became internal answers the refusal', async () => {
    dns['flip.test'] = ['127.0.0.2'];
    const hook = await create(`http://flip.test:${twins.port}/flip`, { enabled: true, filters: { chatflowIds: ['never'] } });
    dns['flip.test'] = ['::1'];
    const res = await svc.api('POST', `/v1/webhooks/${hook.body.id}/test`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'refuse', response: null, error: expect.stringMatching(/^blocked_address: .*loopback/) });
  });

  test('a redirect to an internal address is not followed; the log says so', async () => {
    const hook = await create(`http://127.0.0.2:${twins.port}/redirect`, { filters: { chatflowIds: ['redirect'] }, maxAttempts: 1 });
    twins.respond((_req, res) => void res.writeHead(302, { location: `http://127.0.0.1:${twins.port}/internal` }).end());
    await emitTo('redirect');
    const d = await settledDelivery(hook.body.id);
    expect(d.attempts[0]).toMatchObject({ responseStatus: 302, error: expect.stringMatching(/redirect not followed/) });
    expect(twins.allowed.some((h) => h.path === '/redirect')).toBe(true);
    expect(twins.internal).toEqual([]);
  });
});
