// The settings page end to end in headless Chromium, against a real service and a real
// receiver: sign in, add a webhook (a field error first), Send Test, an event in the request
// log, retries against a failing receiver, Redeliver and Recover, the enabled switch, the
// events list, sign out. A screenshot of each screen goes to test-results/browser/.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../helpers/eventually.js';
import { useRig } from '../helpers/rig.js';
import { browserAvailable, fixture, launch, shownAndExpected, type Browser } from '../helpers/browser.js';

const DOCS_SCREENSHOT = fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url));
const ZONE = 'Asia/Kolkata';

let b: Browser;
let page: Page;
let mode: 'ok' | 'fail' = 'ok';
let hookId = '';
let offEvent = '';
let secret = '';
const events: string[] = [];

// Fast retries (1 + 2 attempts) so a failing receiver exhausts a delivery in well under a second.
const { svc, rx } = useRig({
  env: { FORJINN_RETRY_DELAYS: '150ms,150ms' },
  responder: (req, _n, res) => {
    if (req.path.startsWith('/gone')) return res.writeHead(410, { 'content-type': 'text/plain' }).end('this endpoint is gone');
    if (mode === 'fail') return res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
  },
});

async function emit(type = 'flow_completed', extra: Record<string, unknown> = {}) {
  const id = randomUUID();
  const res = await svc.api('POST', '/v1/events', { ...fixture(type), id, ...extra });
  expect(res.status).toBe(202);
  events.push(id);
  return { id, deliveries: res.body.deliveries as number };
}
const card = (): Locator => page.locator(`li[data-webhook="${hookId}"]`);
const logRow = (eventId: string, status: string) => page.locator(`tr[data-status="${status}"]`, { hasText: eventId });
const attempts = () => page.locator('li.attempt');

(browserAvailable() ? describe : describe.skip)('the settings page in headless Chromium', () => {
  beforeAll(async () => {
    b = await launch({ timezoneId: ZONE });
    page = b.page;
  }, 60_000);
  afterAll(async () => {
    await b?.close();
  });
  // No console error or page error that a step did not provoke on purpose.
  afterEach(() => expect(b.endStep()).toEqual([]));

  test('sign in with an API key: kept in sessionStorage, no cookies', async () => {
    await page.goto(`${svc.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await b.shot('01-sign-in');
    b.allowHttpError(401, /\/v1\/workspace$/);
    await page.getByLabel('API key').fill('fjk_this-is-not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#api-key-error').getByText(/not accepted/).waitFor();
    await page.getByLabel('API key').fill(svc.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('No webhooks yet.').waitFor();
    await page.getByText('Workspace: default').waitFor();
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([svc.key]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await b.context.cookies()).toEqual([]);
    await b.shot('02-webhooks-empty');
  });

  test('a bad URL: the API error appears next to the URL field', async () => {
    await page.getByRole('link', { name: 'Add your first webhook' }).click();
    await page.getByRole('heading', { name: 'Add webhook' }).waitFor();
    b.allowHttpError(400, /\/v1\/webhooks$/);
    await page.getByLabel('Endpoint URL').fill('ftp://files.example.com/drop');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.locator('[data-field="url"] .field-error').getByText('must be an http or https URL').waitFor();
    expect(await page.getByLabel('Endpoint URL').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('url');
    await b.shot('03-field-error');
  });

  test('add a webhook to a local receiver, with a live preview; the secret is shown once', async () => {
    await page.getByLabel('Endpoint URL').fill(`${rx.url}/hook`);
    await page.getByLabel('Description (optional)').fill('Local receiver');
    await page.getByLabel('All events, including types added later').uncheck();
    await page.getByLabel('Flow completed').check();
    await page.getByLabel('Preview with sample event').selectOption('error_occurred');
    await page.locator('#preview-output').getByText('"event": "error_occurred"').waitFor();
    await page.getByLabel('Custom template').fill('{"kind": {{json event}}, "flow": {{json chatflowId}} }');
    await page.locator('#preview-output').getByText('"kind": "error_occurred"').waitFor();
    await b.shot('04-add-webhook-preview');
    await page.getByLabel('Custom template').fill('');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('heading', { name: 'Edit webhook' }).waitFor();
    secret = await page.getByRole('textbox', { name: 'Signing secret', exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    hookId = /#\/webhooks\/([0-9a-f-]{36})$/.exec(page.url())![1];
    const saved = await svc.api('GET', `/v1/webhooks/${hookId}`);
    expect(saved.body).toMatchObject({ url: `${rx.url}/hook`, events: ['flow_completed'], description: 'Local receiver', enabled: true, template: null, hasSecret: true });
    // Copy puts exactly the secret on the clipboard.
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: svc.url });
    await page.getByRole('button', { name: 'Copy the signing secret' }).click();
    await page.getByRole('button', { name: 'Copy the signing secret' }).getByText('Copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await b.shot('05-created-secret-once');
    // Shown once: the same page loaded again has no secret on it.
    await page.reload();
    await page.getByRole('heading', { name: 'Edit webhook' }).waitFor();
    expect(await page.locator('#new-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
  });

  test('Send Test from the form shows the request, its signature and the 200 inline', async () => {
    await page.getByRole('button', { name: 'Send test' }).click();
    const result = page.getByRole('region', { name: 'Send Test result' });
    await result.getByText(/Test delivered: the receiver answered 200/).waitFor();
    const got = rx.received.at(-1)!;
    expect(JSON.parse(got.body)).toMatchObject({ event: 'flow_completed', test: true, workspace: 'default' });
    const signature = `sha256=${createHmac('sha256', secret).update(got.body).digest('hex')}`;
    expect(got.headers['x-forjinn-signature']).toBe(signature);
    await result.getByText(signature).first().waitFor();
    await result.getByText('{"received":true}').or(result.getByText('"received": true')).waitFor();
    await b.shot('06-send-test');
  });

  test('the list shows the webhook, its health, and Send Test works there too', async () => {
    await page.getByRole('link', { name: '← Webhooks' }).click();
    await card().getByRole('heading', { name: 'Local receiver' }).waitFor();
    await card().locator('.facts').getByText('Flow completed', { exact: true }).waitFor();
    await card().locator('.facts').getByText('HTTPS endpoint (JSON)').waitFor();
    await card().locator('.health').getByText(/HTTP 200/).waitFor();
    await card().locator('.health').getByText('(test)').waitFor();
    const before = rx.received.length;
    await card().getByRole('button', { name: 'Send test' }).click();
    await card().getByText(/Test delivered/).waitFor();
    expect(rx.received.length).toBe(before + 1);
    await b.shot('07-webhooks-list');
  });

  test('an event appears in the request log; opening it shows its attempt', async () => {
    const ev = await emit();
    expect(ev.deliveries).toBe(1);
    await card().getByRole('link', { name: /^Request log/ }).click();
    await page.getByRole('heading', { name: 'Request log' }).waitFor();
    const row = logRow(ev.id, 'succeeded');
    await row.waitFor();
    await row.getByText('HTTP 200').waitFor();
    expect(await page.locator('tr[data-delivery]').count()).toBe(3); // two tests and the event
    await b.shot('08-request-log');
    await row.getByRole('link', { name: /^Open/ }).click();
    await page.getByRole('heading', { name: 'Delivery: flow_completed' }).waitFor();
    expect(await attempts().count()).toBe(1);
    await attempts().first().getByText('HTTP 200').first().waitFor();
    expect(await attempts().first().locator('pre').first().textContent()).toContain(ev.id);
    // Times in the viewer's zone: the text is the ISO time of `datetime` as shown in Kolkata.
    const { shown, expected } = await shownAndExpected(page.locator('dl.summary time').first(), ZONE);
    expect(shown).toBe(expected);
    // ICU may name the zone by its older alias.
    await page.locator('#footer').getByText(/Times are shown in your time zone \(Asia\/(Kolkata|Calcutta)\)/).waitFor();
    await b.shot('09-delivery');
  });

  test('a failing receiver: the retries show up; Redeliver after it recovers', async () => {
    mode = 'fail';
    const ev = await emit();
    await page.getByRole('link', { name: '← Request log' }).click();
    const row = logRow(ev.id, 'failed');
    await row.waitFor();
    await row.getByText('HTTP 503').waitFor();
    expect((await row.locator('td[data-label="Attempts"]').textContent())?.trim()).toBe('3');
    await b.shot('10-request-log-failed');
    await row.getByRole('link', { name: /^Open/ }).click();
    await page.getByRole('heading', { name: 'Delivery: flow_completed' }).waitFor();
    expect(await attempts().count()).toBe(3);
    for (let i = 0; i < 3; i++) await attempts().nth(i).getByText('down for maintenance').waitFor();
    mode = 'ok';
    await page.getByRole('button', { name: 'Redeliver' }).click();
    await page.locator('#delivery-status').getByText('succeeded').waitFor();
    expect(await attempts().count()).toBe(4);
    await attempts().first().getByRole('heading', { name: /^Attempt 4 success HTTP 200/ }).waitFor();
    // Every try of one delivery carries the same delivery id, so the receiver can dedupe.
    const tries = rx.received.filter((r) => JSON.parse(r.body).id === ev.id);
    expect(tries.map((r) => r.headers['x-forjinn-delivery'])).toEqual(Array(4).fill(tries[0].headers['x-forjinn-delivery']));
    await b.shot('11-redelivered');
  });

  test('"Recover failed since …" sends the failed deliveries again', async () => {
    mode = 'fail';
    const ev = await emit();
    await page.getByRole('link', { name: '← Request log' }).click();
    await logRow(ev.id, 'failed').waitFor();
    mode = 'ok';
    await page.getByRole('button', { name: 'Recover failed' }).click();
    await page.getByText('1 failed delivery queued again.').waitFor();
    await logRow(ev.id, 'succeeded').waitFor();
  });

  test('the enabled switch works in place', async () => {
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    const toggle = card().getByRole('switch', { name: 'Enabled' });
    await toggle.focus();
    await page.keyboard.press('Space');
    await card().locator('.switch-state').getByText('Off').waitFor();
    expect((await svc.api('GET', `/v1/webhooks/${hookId}`)).body.enabled).toBe(false);
    const off = await emit();
    expect(off.deliveries).toBe(0);
    offEvent = off.id;
    await card().locator('.health').getByText('Switched off').waitFor();
    await b.shot('12-switched-off');
    await toggle.click();
    await card().locator('.switch-state').getByText('On').waitFor();
    expect((await svc.api('GET', `/v1/webhooks/${hookId}`)).body.enabled).toBe(true);
  });

  test('a webhook the service disabled shows why at a glance', async () => {
    const gone = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/gone`, events: ['error_occurred'], description: 'Retired endpoint' });
    expect(gone.status).toBe(201);
    await emit('error_occurred');
    const reason = await eventually(async () => (await svc.api('GET', `/v1/webhooks/${gone.body.id}`)).body.disabledReason as string | null, { what: 'the 410 to disable the webhook' });
    await page.reload();
    const goneCard = page.locator(`li[data-webhook="${gone.body.id}"]`);
    await goneCard.locator('.disabled-reason').getByText(reason).waitFor();
    expect(await goneCard.getByRole('switch', { name: 'Enabled' }).isChecked()).toBe(false);
    await card().locator('.health').getByText(/Success \(24 h\): 100 % of 3/).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await b.shot('13-webhooks-health');
    // The README's picture of the page: refreshed only on request, so a test run leaves the tree clean.
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') await b.shot('docs', { fullPage: false, path: DOCS_SCREENSHOT });
  });

  test('the events list shows how many deliveries each event made', async () => {
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    const first = page.locator(`tr[data-event="${events[0]}"]`);
    expect((await first.locator('td[data-label="Deliveries"]').textContent())?.trim()).toBe('1');
    expect((await first.locator('td[data-label="Succeeded"]').textContent())?.trim()).toBe('1');
    const whileOff = page.locator(`tr[data-event="${offEvent}"]`);
    expect((await whileOff.locator('td[data-label="Deliveries"]').textContent())?.trim()).toBe('0');
    await first.getByRole('button', { name: /^Deliveries of event/ }).click();
    await page.getByRole('link', { name: 'open delivery' }).first().waitFor();
    await b.shot('15-events');
  });

  test('sign out removes the key from the tab', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.goto(`${svc.url}/#/events`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});
