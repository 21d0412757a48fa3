// A PagerDuty routing key pasted with spaces around it ("  R0UT1NG…  "), as a user would: the key
// PagerDuty gets is the trimmed one, and that key must appear in no answer (request log, webhook
// view, preview), no log line and no table in the clear (the stored settings are encrypted).
import { expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const KEY = randomBytes(24).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 32);
const { svc, rx } = useRig({ responder: (_req, _n, res) => res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success","message":"Event processed","dedup_key":"d"}') });

test('a spaced routing key: sent trimmed, shown and stored nowhere', async () => {
  const created = await svc.api('POST', '/v1/webhooks', {
    url: `${rx.url}/pd/v2/enqueue`,
    events: ['error_occurred'],
    transformer: 'pagerduty',
    transformerConfig: { routingKey: `  ${KEY}  ` },
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  expect((await svc.api('POST', '/v1/events', { event: 'error_occurred', id: 'pd-spaced-1', chatflowId: 'cf', error: { message: 'boom' } })).status).toBe(202);
  const sent = await eventually(() => rx.received.find((r) => r.body.includes('pd-spaced-1')), { what: 'the PagerDuty event' });
  expect(JSON.parse(sent.body).routing_key).toBe(KEY);

  const delivery = await eventually(async () => {
    const list = await svc.api('GET', `/v1/webhooks/${id}/deliveries?status=succeeded`);
    return list.body.data[0] ? svc.api('GET', `/v1/deliveries/${list.body.data[0].id}`) : undefined;
  }, { what: 'the stored result' });
  const shown = [
    delivery,
    await svc.api('GET', `/v1/webhooks/${id}/deliveries`),
    await svc.api('GET', `/v1/webhooks/${id}`),
    await svc.api('GET', '/v1/webhooks'),
    await svc.api('POST', `/v1/webhooks/${id}/preview`, { event: 'error_occurred' }),
  ];
  for (const res of shown) expect(res.status).toBe(200);
  expect(JSON.parse(delivery.body.attempts[0].requestBody).routing_key).toBe('[redacted]');
  expect(shown.map((r) => JSON.stringify(r.body)).filter((text) => text.includes(KEY))).toEqual([]);
  expect(svc.logs.join('')).not.toContain(KEY);

  // At rest: the settings are sealed, and no table holds the key in the clear.
  const pool = svc.rt.ctx.db.pool;
  const { rows: cfg } = await pool.query<{ enc: unknown }>('select transformer_config_enc as enc from webhooks where id = $1', [id]);
  expect(svc.rt.ctx.cipher.decrypt(cfg[0].enc as string)).toContain(KEY);
  const { rows: tables } = await pool.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`);
  for (const { t } of tables) {
    const { rows } = await pool.query(`select * from ${t}`);
    expect([t, JSON.stringify(rows).includes(KEY)]).toEqual([t, false]);
  }
});
