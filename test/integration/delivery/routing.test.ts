// Which events reach which webhooks: the agentIds filter, and event ids, which are unique within
// a workspace only (two workspaces' platforms may use the same id for different events).
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';
import { settledEvent } from '../../helpers/settled.js';

const { svc, rx } = useRig();

const at = (path: string) => rx.received.filter((r) => r.path === path);

describe('filters.agentIds', () => {
  test('a webhook gets agent_executed events of its agents only', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/agents`, events: ['agent_executed'], filters: { agentIds: ['agent-a', 'agent-b'] } });
    expect(hook.status).toBe(201);
    const emit = async (agentId: string) => {
      const res = await svc.api('POST', '/v1/events', { ...sampleEvent('agent_executed'), id: `${agentId}-${crypto.randomUUID()}`, agentId });
      expect(res.status).toBe(202);
      return res.body as { id: string; deliveries: number };
    };
    // The skipped one first: once the matching ones after it have arrived, it would have too.
    const other = await emit('agent-x');
    const matching = await emit('agent-a');
    const second = await emit('agent-b');
    expect([other.deliveries, matching.deliveries, second.deliveries]).toEqual([0, 1, 1]);
    await eventually(() => at('/agents').length >= 2, { what: 'the two matching events delivered' });
    expect(at('/agents').map((r) => [JSON.parse(r.body).id, JSON.parse(r.body).agentId]).sort()).toEqual(
      [[matching.id, 'agent-a'], [second.id, 'agent-b']].sort(),
    );
    const skipped = await svc.api('GET', `/v1/events/${other.id}`);
    expect([skipped.status, skipped.body.deliveries]).toEqual([200, []]);
    const delivered = await settledEvent(svc, matching.id);
    expect(delivered.body.deliveries).toEqual([expect.objectContaining({ webhookId: hook.body.id, status: 'succeeded', lastStatusCode: 200 })]);
  });
});

describe('the same event id in two workspaces', () => {
  test('both events are stored and delivered, each to its own workspace', async () => {
    const keys = { north: await svc.newWorkspaceKey('north'), south: await svc.newWorkspaceKey('south') };
    const id = `run-${crypto.randomUUID()}`;
    for (const [name, key] of Object.entries(keys)) {
      const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/ws-${name}`, events: ['flow_completed'] }, key);
      expect(hook.status).toBe(201);
    }
    for (const [name, key] of Object.entries(keys)) {
      const res = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id, output: `from ${name}` }, key);
      expect([name, res.status, res.body]).toEqual([name, 202, expect.objectContaining({ id, deliveries: 1 })]);
    }
    await eventually(() => at('/ws-north').length === 1 && at('/ws-south').length === 1, { what: 'both workspaces delivered' });
    for (const [name, key] of Object.entries(keys)) {
      expect(JSON.parse(at(`/ws-${name}`)[0].body)).toMatchObject({ id, workspace: name, output: `from ${name}` });
      const ev = await settledEvent(svc, id, key);
      expect(ev.body.payload).toMatchObject({ id, workspace: name, output: `from ${name}` });
      expect(ev.body.deliveries).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    }
    // Within one workspace the id still deduplicates.
    const again = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id, output: 'again' }, keys.north);
    expect(again.status).toBe(200);
  });
});
