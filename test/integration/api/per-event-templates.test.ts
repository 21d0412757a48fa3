// A webhook's template may be one per event type: `{ "<event_type>": "<template>" }`, the
// built-in default rendering the types it leaves out. Each is checked at save against its own
// event's sample (a bad one is a 400 naming template.<event_type>), each event delivered through
// the service renders with its own, and a plain string still serves every type as before. Also:
// chat and incident targets get no signing secret (their deliveries are not signed).
import { describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';
import { sampleEvent } from '../../helpers/samples.js';
import { CHAT_TARGETS } from '../../helpers/transformer-fixtures.js';
import { CONTRACTS } from '../../helpers/target-contract.js';

const { svc, rx } = useRig();

/** Reports an event of `type` for `chatflowId`; answers the body the receiver got at `path`. */
async function deliveredBody(path: string, type: string, chatflowId: string): Promise<string> {
  const id = randomUUID();
  expect((await svc.api('POST', '/v1/events', { ...sampleEvent(type), id, chatflowId })).status).toBe(202);
  const got = await eventually(async () => rx.received.find((r) => r.path === path && r.body.includes(id)), { what: `the ${type} delivery to ${path}` });
  return got.body;
}

describe('per-event templates', () => {
  test('generic: error_occurred renders with the error template, flow_completed with the flow one, a type not in the map as the event', async () => {
    const template = {
      flow_completed: '{"kind": "flow", "id": {{json id}}, "output": {{json output}} }',
      // error.message is in the error sample only: checked against that sample, not the flow one.
      error_occurred: '{"kind": "error", "id": {{json id}}, "message": {{json error.message}} }',
    };
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/generic`, events: ['*'], template, filters: { chatflowIds: ['cf-generic'] } });
    expect(hook.status).toBe(201);
    expect(hook.body.template).toEqual(template);
    expect((await svc.api('GET', `/v1/webhooks/${hook.body.id}`)).body.template).toEqual(template);

    const error = JSON.parse(await deliveredBody('/generic', 'error_occurred', 'cf-generic'));
    expect(error).toEqual({ kind: 'error', id: expect.any(String), message: sampleEvent('error_occurred').error.message });
    const flow = JSON.parse(await deliveredBody('/generic', 'flow_completed', 'cf-generic'));
    expect(flow).toEqual({ kind: 'flow', id: expect.any(String), output: sampleEvent('flow_completed').output });
    // Not in the map: the built-in default, which for generic is the event itself.
    const agent = JSON.parse(await deliveredBody('/generic', 'agent_executed', 'cf-generic'));
    expect(agent).toMatchObject({ event: 'agent_executed', chatflowId: 'cf-generic' });
  });

  test('Slack: the error template for errors, the built-in flow message for flows', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', {
      url: `${rx.url}/slack`,
      events: ['*'],
      transformer: 'slack',
      transformerConfig: { group: false },
      template: { error_occurred: 'Custom error: {{slack error.message}}' },
      filters: { chatflowIds: ['cf-slack'] },
    });
    expect(hook.status).toBe(201);
    const error = await deliveredBody('/slack', 'error_occurred', 'cf-slack');
    expect(error).toContain(`Custom error: ${sampleEvent('error_occurred').error.message}`);
    const flow = await deliveredBody('/slack', 'flow_completed', 'cf-slack');
    expect(flow).not.toContain('Custom error');
    expect(JSON.parse(flow).blocks.length).toBeGreaterThan(1);
  });

  test('a bad template for one event is a 400 naming template.<event_type>', async () => {
    const base = { url: `${rx.url}/bad`, events: ['*'], transformer: 'slack' };
    const syntax = await svc.api('POST', '/v1/webhooks', { ...base, template: { flow_completed: 'fine', error_occurred: 'broken {{#if error}}' } });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error).toMatchObject({ code: 'validation_error', field: 'template.error_occurred' });
    // A field of the error sample only, in the flow's template: checked against the flow sample.
    const field = await svc.api('POST', '/v1/webhooks', { ...base, template: { flow_completed: '{{error.message}}' } });
    expect(field.status).toBe(400);
    expect(field.body.error.field).toBe('template.flow_completed');
    const key = await svc.api('POST', '/v1/webhooks', { ...base, template: { flow_finished: 'x' } });
    expect(key.status).toBe(400);
    expect(key.body.error.field).toBe('template');
    // PATCH checks the same way.
    const ok = await svc.api('POST', '/v1/webhooks', base);
    const patched = await svc.api('PATCH', `/v1/webhooks/${ok.body.id}`, { template: { agent_executed: '{{nope}}' } });
    expect(patched.status).toBe(400);
    expect(patched.body.error.field).toBe('template.agent_executed');
  });

  test('a plain string template still serves every type; a map replaces it and back', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/string`, events: ['*'], template: '{"one": {{json event}} }' });
    expect(hook.status).toBe(201);
    expect(hook.body.template).toBe('{"one": {{json event}} }');
    const map = await svc.api('PATCH', `/v1/webhooks/${hook.body.id}`, { template: { dataset_updated: '{"ds": true}', flow_completed: '' } });
    expect(map.body.template).toEqual({ dataset_updated: '{"ds": true}' });
    const back = await svc.api('PATCH', `/v1/webhooks/${hook.body.id}`, { template: '{"t": "{{event}}"}' });
    expect(back.status).toBe(200);
    expect(back.body.template).toBe('{"t": "{{event}}"}');
    const none = await svc.api('PATCH', `/v1/webhooks/${hook.body.id}`, { template: {} });
    expect(none.body.template).toBeNull();
  });

  test('preview renders each event with its own template; a bad one names template.<event_type>', async () => {
    const template = { error_occurred: 'Custom error: {{slack error.message}}', flow_completed: 'Custom flow' };
    const error = await svc.api('POST', '/v1/preview', { transformer: 'slack', template, event: 'error_occurred' });
    expect(error.status).toBe(200);
    expect(error.body.body).toContain('Custom error:');
    const flow = await svc.api('POST', '/v1/preview', { transformer: 'slack', template, event: 'flow_completed' });
    expect(flow.body.body).toContain('Custom flow');
    const agent = await svc.api('POST', '/v1/preview', { transformer: 'slack', template, event: 'agent_executed' });
    expect(agent.body.body).not.toContain('Custom');
    const bad = await svc.api('POST', '/v1/preview', { transformer: 'slack', template: { error_occurred: '{{#each}}' }, event: 'error_occurred' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('template.error_occurred');
  });
});

describe('signing secrets', () => {
  test('chat and incident targets get no whsec_ secret; generic still does', async () => {
    // Every unsigned target of the registry, with its contract's settings.
    for (const transformer of CHAT_TARGETS) {
      const transformerConfig = CONTRACTS[transformer].settings;
      const url = `${rx.url}/${transformer}`;
      const res = await svc.api('POST', '/v1/webhooks', { url, events: ['*'], transformer, transformerConfig });
      expect({ transformer, status: res.status, secret: res.body.secret, hasSecret: res.body.hasSecret }).toEqual({ transformer, status: 201, secret: null, hasSecret: false });
      const given = await svc.api('POST', '/v1/webhooks', { url, events: ['*'], transformer, transformerConfig, secret: 'a-secret-of-enough-length' });
      expect({ transformer, status: given.status, field: given.body.error?.field }).toEqual({ transformer, status: 400, field: 'secret' });
    }
    const generic = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/signed`, events: ['*'] });
    expect(generic.body.secret).toMatch(/^whsec_/);
    expect(generic.body.hasSecret).toBe(true);
  });
});
