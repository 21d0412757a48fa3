// forjinn_template_errors_total counts custom templates that failed at delivery (the default was
// sent instead), by the attempt's own note, not by searching its error text: a target whose answer
// says "template error" is not one of ours.
import { expect, test } from '@jest/globals';
import { eventually } from '../../helpers/eventually.js';
import { useRig } from '../../helpers/rig.js';
import { metricValue } from '../../helpers/metrics.js';
import { sampleEvent } from '../../helpers/samples.js';

const { svc, rx } = useRig({
  responder: (req, _n, res) => {
    if (req.path === '/pagerduty') {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'invalid event', message: 'template error in payload.summary' }));
    } else res.writeHead(200).end('ok');
  },
});

async function settledDelivery(hookId: string) {
  return eventually(async () => {
    const [d] = (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries`)).body.data;
    return d && d.status !== 'pending' ? d : undefined;
  }, { what: `the delivery of ${hookId}` });
}

test('a template that fails at delivery is counted once; an answer that says "template error" is not', async () => {
  // Valid JSON for every sample, not for an output with a quote in it: the event JSON is sent instead.
  const templated = await svc.api('POST', '/v1/webhooks', {
    url: `${rx.url}/generic`,
    events: ['flow_completed'],
    template: '{"output": "{{#if output}}{{output}}{{/if}}"}',
    filters: { chatflowIds: ['cf-template'] },
  });
  expect(templated.status).toBe(201);
  const pagerduty = await svc.api('POST', '/v1/webhooks', {
    url: `${rx.url}/pagerduty`,
    events: ['flow_completed'],
    transformer: 'pagerduty',
    transformerConfig: { routingKey: 'R0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5' },
    filters: { chatflowIds: ['cf-refused'] },
  });
  expect(pagerduty.status).toBe(201);

  const emit = (chatflowId: string) =>
    svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: crypto.randomUUID(), chatflowId, output: 'She said "no"' });
  expect((await emit('cf-template')).status).toBe(202);
  expect((await emit('cf-refused')).status).toBe(202);

  const sent = await settledDelivery(templated.body.id);
  expect(sent.status).toBe('succeeded');
  const refused = await settledDelivery(pagerduty.body.id);
  expect(refused.status).toBe('failed');
  const refusedLog = (await svc.api('GET', `/v1/deliveries/${refused.id}`)).body;
  expect(refusedLog.attempts[0].error).toContain('template error');

  expect(await metricValue(svc.url, 'forjinn_template_errors_total')).toBe(1);
});
