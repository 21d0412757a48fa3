// The old secret stops signing when the grace period of a rotation runs out (docs/delivery.md, "When
// the grace period ends"), even though the worker still holds the webhook as it loaded it during
// the grace period: nothing changes in the webhook's row when the time passes, so the cached copy
// is not reloaded, and the expiry is checked when each request is signed. rotation.test.ts moves
// the expiry into the past with an update of the row, which reloads the webhook; here the time
// runs out on its own (a short graceSeconds). A receiver holding only the old secret checks every
// delivery with off-the-shelf verifiers (@octokit/webhooks-methods on X-Forjinn-Signature-Previous
// as docs/receiving.md tells it, standardwebhooks on webhook-signature): it accepts the delivery of
// the grace period and refuses the one after it; the receiver on the new secret accepts both.
import { describe, expect, test } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { ok, type Received } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';

const { svc, rx } = useRig({ responder: ok });

/** What a receiver holding only `secret` says of a request, reading the header the docs name for it. */
async function accepts(secret: string, header: 'x-forjinn-signature' | 'x-forjinn-signature-previous', req: Received) {
  const sig = req.headers[header];
  const octokit = sig ? await octokitVerify(secret, req.body, sig) : false;
  let standardWebhooks = true;
  try {
    new Webhook(secret).verify(req.body, req.headers);
  } catch {
    standardWebhooks = false;
  }
  return { octokit, standardWebhooks };
}

async function send(id: string): Promise<Received> {
  expect((await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id, chatflowId: 'grace' })).status).toBe(202);
  return eventually(() => rx.received.find((r) => JSON.parse(r.body).id === id), { what: `the delivery of ${id}` });
}

describe('a secret rotation whose grace period runs out', () => {
  test('the old secret signs while the webhook is cached during the grace period, and no longer once it has ended', async () => {
    const created = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/grace`, events: ['flow_completed'], filters: { chatflowIds: ['grace'] } });
    expect(created.status).toBe(201);
    const hookId: string = created.body.id;
    let current: string = created.body.secret;

    // A rotation, then a delivery that loads the rotated webhook into the worker's cache while the
    // grace period runs. On a machine so busy that the grace ran out before that delivery was
    // signed, the rotation is tried again with a longer one (the delivery then carries one signature).
    let oldSecret = '';
    let expiresAt = 0;
    let during: Received | undefined;
    for (let grace = 2; !during; grace *= 2) {
      const rotated = await svc.api('POST', `/v1/webhooks/${hookId}/rotate-secret`, { graceSeconds: grace });
      expect(rotated.status).toBe(200);
      [oldSecret, current] = [current, rotated.body.secret];
      expiresAt = Date.parse(rotated.body.previousSecretExpiresAt);
      const r = await send(`during-${grace}`);
      if (r.headers['x-forjinn-signature-previous']) during = r;
      else expect(grace).toBeLessThan(64);
    }
    expect(await accepts(oldSecret, 'x-forjinn-signature-previous', during)).toEqual({ octokit: true, standardWebhooks: true });
    expect(await accepts(current, 'x-forjinn-signature', during)).toEqual({ octokit: true, standardWebhooks: true });
    expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);

    // The grace period runs out; the webhook's row does not change, so the worker keeps its copy.
    await eventually(() => Date.now() > expiresAt, { timeoutMs: 120_000, intervalMs: 100, what: 'the end of the grace period' });
    const after = await send('after-grace');
    expect(await accepts(oldSecret, 'x-forjinn-signature-previous', after)).toEqual({ octokit: false, standardWebhooks: false });
    expect(await accepts(current, 'x-forjinn-signature', after)).toEqual({ octokit: true, standardWebhooks: true });
    expect(after.headers['x-forjinn-signature-previous']).toBeUndefined();
    expect(after.headers['webhook-signature'].split(' ')).toHaveLength(1);
    // Send Test signs the same way.
    const tested = await svc.api('POST', `/v1/webhooks/${hookId}/test`, {});
    expect(tested.status).toBe(200);
    expect(tested.body.request.headers['x-forjinn-signature-previous']).toBeUndefined();
  });
});
