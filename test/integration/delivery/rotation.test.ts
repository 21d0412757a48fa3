// A secret rotation seen by the receivers that exist in the wild: one that still holds only the
// old secret and one that already holds only the new one, each checking every delivery of the
// overlap with an off-the-shelf verifier, @octokit/webhooks-methods on the header the docs name
// for it (GitHub-style) and standardwebhooks' Webhook.verify. Nothing here computes an HMAC.
import { describe, expect, test } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import type { Received } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';

/** A receiver's configuration: the one secret it holds and the header docs/receiving.md tells it to read. */
interface Holder {
  name: 'old secret only' | 'new secret only';
  secret: string;
  header: 'x-forjinn-signature' | 'x-forjinn-signature-previous';
}

interface Verdict {
  holder: Holder['name'];
  octokit: boolean;
  standardWebhooks: boolean;
}

async function verdict(holder: Holder, req: Received): Promise<Verdict> {
  const sig = req.headers[holder.header];
  const octokit = sig ? await octokitVerify(holder.secret, req.body, sig) : false;
  let standardWebhooks = true;
  try {
    new Webhook(holder.secret).verify(req.body, req.headers);
  } catch {
    standardWebhooks = false;
  }
  return { holder: holder.name, octokit, standardWebhooks };
}

let holders: Holder[] = [];
/** Per request received, in order: what each holder's verifiers said. */
const verdicts: Verdict[][] = [];

const { svc, rx } = useRig({
  // Answers 204 only when both holders verify with both libraries, so a delivery that one of
  // them would refuse is not "succeeded" in the log either.
  responder: async (req, _n, res) => {
    const got = await Promise.all(holders.map((h) => verdict(h, req)));
    verdicts.push(got);
    res.writeHead(got.every((v) => v.octokit && v.standardWebhooks) ? 204 : 401).end();
  },
});

describe('a secret rotation, through the running service', () => {
  test('receivers holding only the old or only the new secret each verify every delivery of the overlap', async () => {
    const created = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/rotation`, events: ['*'], filters: { chatflowIds: ['rotation'] } });
    expect(created.status).toBe(201);
    const hookId: string = created.body.id;
    const oldSecret: string = created.body.secret;
    const rotated = await svc.api('POST', `/v1/webhooks/${hookId}/rotate-secret`, { graceSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.body.secret;
    expect(newSecret).not.toBe(oldSecret);
    holders = [
      { name: 'old secret only', secret: oldSecret, header: 'x-forjinn-signature-previous' },
      { name: 'new secret only', secret: newSecret, header: 'x-forjinn-signature' },
    ];

    // The overlap: three events, a Send Test and a redelivery, every way a delivery goes out.
    const ids = ['rot-1', 'rot-2', 'rot-3'];
    for (const id of ids) expect((await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id, chatflowId: 'rotation' })).status).toBe(202);
    await eventually(() => rx.received.length >= ids.length, { what: 'the three events' });
    const test = await svc.api('POST', `/v1/webhooks/${hookId}/test`, {});
    expect(test.status).toBe(200);
    const [first] = (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries?limit=100`)).body.data.filter((d: { eventId?: string }) => d.eventId === 'rot-1');
    expect((await svc.api('POST', `/v1/deliveries/${first.id}/redeliver`)).status).toBe(202);
    await eventually(() => rx.received.length >= ids.length + 2, { what: 'the Send Test and the redelivery' });

    const all = { octokit: true, standardWebhooks: true };
    expect(verdicts.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => [{ holder: 'old secret only', ...all }, { holder: 'new secret only', ...all }]));
    // The receiver answered 204 to each, so nothing was retried and Send Test saw a success.
    expect(rx.received).toHaveLength(5);
    expect(test.body.outcome).toBe('success');
    // The GitHub-style headers carry one value each, as GitHub's does.
    for (const r of rx.received) expect([r.headers['x-forjinn-signature'], r.headers['x-forjinn-signature-previous']]).toEqual([expect.stringMatching(/^sha256=[0-9a-f]{64}$/), expect.stringMatching(/^sha256=[0-9a-f]{64}$/)]);
    // Shown like the other signatures: as sent in Send Test's answer (the owner's view), redacted
    // in the attempt log.
    const tested = rx.received.find((r) => JSON.parse(r.body).test === true);
    expect(test.body.request.headers['x-forjinn-signature-previous']).toBe(tested?.headers['x-forjinn-signature-previous']);
    const logged = await eventually(async () => {
      const d = await svc.api('GET', `/v1/deliveries/${first.id}`);
      return d.body.attempts.length === 2 ? d.body : undefined;
    }, { what: 'the redelivery logged' });
    expect(logged.attempts.map((a: { requestHeaders: Record<string, string> }) => a.requestHeaders['x-forjinn-signature-previous'])).toEqual(['sha256=[redacted]', 'sha256=[redacted]']);

    // The grace period ends (moved into the past rather than waited for): only the new secret signs.
    await svc.rt.ctx.db.pool.query(`update webhooks set previous_secret_expires_at = now() - interval '1 second', updated_at = now() where id = $1`, [hookId]);
    expect((await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: 'rot-after', chatflowId: 'rotation' })).status).toBe(202);
    const after = await eventually(() => rx.received.find((r) => JSON.parse(r.body).id === 'rot-after'));
    expect(after.headers['x-forjinn-signature-previous']).toBeUndefined();
    expect(verdicts.at(-1)).toEqual([
      { holder: 'old secret only', octokit: false, standardWebhooks: false },
      { holder: 'new secret only', ...all },
    ]);
  });
});
