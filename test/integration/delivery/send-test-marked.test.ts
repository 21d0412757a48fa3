// Send Test through the running service, to vendor targets redirected to a receiver on 127.0.0.1:
// what arrives is marked as a test on every target, and a PagerDuty test alert never shares a
// dedup_key with (so never lands in, or resolves) the real incident of the same chatflow.
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { CONTRACTS } from '../../helpers/target-contract.js';
import { ROUTING_KEY } from '../../../src/services/transformers/pagerduty/contract.js';
import { vendorAnswer } from '../../helpers/vendor-answers.js';
import { eventually } from '../../helpers/eventually.js';

// Generic's path is no vendor's: it gets a 200.
const { svc, rx } = useRig({ env: { FORJINN_DELIVERY_TIMEOUT_MS: '2000' }, responder: (req, _n, res) => vendorAnswer(req, res, 200) });

const uid = () => crypto.randomUUID();
const at = (path: string) => rx.received.filter((r) => r.path.split('?')[0] === path);

async function addHook(transformer: string, path: string) {
  const res = await svc.api('POST', '/v1/webhooks', {
    url: `${rx.url}${path}`,
    events: ['error_occurred'],
    transformer,
    transformerConfig: CONTRACTS[transformer as keyof typeof CONTRACTS].settings,
  });
  expect([transformer, res.status, res.body?.error]).toEqual([transformer, 201, undefined]);
  return res.body as { id: string };
}

/** Send Test as the page, the CLI and Slack do it (no payload: the sample of the first subscribed type). */
async function sendTest(hookId: string) {
  const res = await svc.api('POST', `/v1/webhooks/${hookId}/test`, {});
  expect([res.status, res.body.outcome, res.body.error]).toEqual([200, 'success', null]);
  return res.body as { deliveryId: string };
}

/** The one request that arrived at `path`, parsed. */
async function only(path: string): Promise<any> {
  await eventually(() => at(path).length > 0, { what: `a request at ${path}` });
  const got = at(path);
  expect([path, got.length]).toEqual([path, 1]);
  return JSON.parse(got[0].body);
}

describe('Send Test is marked as a test on every target', () => {
  test('PagerDuty: [TEST] summary, test in custom_details, not critical, and a dedup_key of its own', async () => {
    const realPath = `/pagerduty/v2/enqueue/real-${uid()}`;
    const testPath = `/pagerduty/v2/enqueue/test-${uid()}`;
    await addHook('pagerduty', realPath);
    const tested = await addHook('pagerduty', testPath);

    // A real failure of the sample's chatflow: what the same chatflow's incident is keyed by.
    // Only the first hook sees it: the second is disabled first and enabled after.
    expect((await svc.api('PATCH', `/v1/webhooks/${tested.id}`, { enabled: false })).status).toBe(200);
    const sent = await svc.api('POST', '/v1/events', { ...sampleEvent('error_occurred'), id: uid() });
    expect([sent.status, sent.body.deliveries]).toEqual([202, 1]);
    const incident = await only(realPath);
    expect(incident.payload.summary).toMatch(/^Support triage: credential error OPENAI_401/);
    expect(incident.payload.severity).toBe('critical');
    expect(incident.payload.custom_details.test).toBeUndefined();
    expect((await svc.api('PATCH', `/v1/webhooks/${tested.id}`, { enabled: true })).status).toBe(200);

    await sendTest(tested.id);
    const alert = await only(testPath);
    expect(alert).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger' });
    expect(alert.payload.summary).toMatch(/^\[TEST\] Support triage: credential error OPENAI_401/);
    // The same chatflow as the real incident, and that is the sample's: not two missing ids.
    expect(incident.payload.custom_details.chatflowId).toBe(sampleEvent('error_occurred').chatflowId);
    expect(alert.payload.custom_details).toMatchObject({ test: true, chatflowId: incident.payload.custom_details.chatflowId });
    expect(alert.payload.severity).toBe('info');
    expect(alert.dedup_key).toEqual(expect.any(String));
    expect(alert.dedup_key).not.toBe(incident.dedup_key);

    // Each Send Test is its own test alert: a second one does not reuse the first's key.
    await sendTest(tested.id);
    await eventually(() => at(testPath).length === 2, { what: 'the second Send Test' });
    expect(JSON.parse(at(testPath)[1].body).dedup_key).not.toBe(alert.dedup_key);
  });

  test('a Send Test delivered again (redeliver) is still the same test alert', async () => {
    const path = `/pagerduty/v2/enqueue/again-${uid()}`;
    const hook = await addHook('pagerduty', path);
    const { deliveryId } = await sendTest(hook.id);
    const first = await only(path);
    const again = await svc.api('POST', `/v1/deliveries/${deliveryId}/redeliver`, {});
    expect(again.status).toBe(202);
    await eventually(() => at(path).length === 2, { what: 'the redelivery' });
    const second = JSON.parse(at(path)[1].body);
    expect(second.payload.summary).toMatch(/^\[TEST\] /);
    expect(second.payload.severity).toBe('info');
    expect(second.dedup_key).toBe(first.dedup_key);
  });

  test('Slack incoming webhook: the notification text, the header and a context line say it is a test', async () => {
    const path = `/slack/services/T0/B0/${uid()}`;
    const hook = await addHook('slack', path);
    await sendTest(hook.id);
    const msg = await only(path);
    expect(msg.text).toMatch(/^\[TEST\] /);
    expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: expect.stringMatching(/^\[TEST\] /) } });
    const context = msg.blocks.filter((b: any) => b.type === 'context').flatMap((b: any) => b.elements.map((e: any) => e.text));
    expect(context.join('\n')).toContain('test delivery');
  });

  test('Teams, Discord and Google Chat titles and footers, and generic\'s test field', async () => {
    const paths = {
      teams: `/teams/workflows/${uid()}/triggers/manual/paths/invoke`,
      discord: `/discord/api/webhooks/1/${uid()}`,
      'google-chat': `/google-chat/v1/spaces/${uid()}/messages`,
      generic: `/generic/${uid()}`,
    };
    for (const [name, path] of Object.entries(paths)) await sendTest((await addHook(name, path)).id);

    const teams = (await only(paths.teams)).attachments[0].content.body;
    expect(teams[0].items[0].text).toMatch(/^\[TEST\] /);
    expect(teams.at(-1).text).toContain('test delivery');

    const [embed] = (await only(paths.discord)).embeds;
    expect(embed.title).toMatch(/^\[TEST\] /);
    expect(embed.footer.text).toContain('test delivery');

    const chat = await only(paths['google-chat']);
    expect(chat.text).toMatch(/^\[TEST\] /);
    expect(chat.cardsV2[0].card.header.title).toMatch(/^\[TEST\] /);
    expect(chat.cardsV2[0].card.header.subtitle).toContain('test delivery');

    expect(await only(paths.generic)).toMatchObject({ event: 'error_occurred', test: true });
  });
});
