// The settings page's form and logs as a new user meets them (issue 17): "Start from the
// built-in template" on an "All events" Slack webhook gives each event its own template (the
// error preview is an error, not "The flow finished"); chat webhooks have no signing secret and
// no rotate panel; a delivery given up shows its last attempt as failed; custom headers and max
// attempts are in the form (saved values hidden, kept when sent back); Send Test sends an
// edited payload; the Format help is the chosen format's.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/eventually.js';
import { useRig } from '../helpers/rig.js';
import { browserAvailable, fixture, unlabelledControls, useSignedInBrowser, type Browser } from '../helpers/browser.js';

const { svc, rx } = useRig({
  env: { FORJINN_RETRY_DELAYS: '50ms' },
  responder: (req, _n, res) => {
    if (req.path.startsWith('/fail')) return res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  },
});
let b: Browser;
let page: Page;

async function show(hash: string, heading: string | RegExp) {
  await page.goto(`${svc.url}/#${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function emit(type: string, extra: Record<string, unknown> = {}) {
  const id = randomUUID();
  expect((await svc.api('POST', '/v1/events', { ...fixture(type), id, ...extra })).status).toBe(202);
  return id;
}

/** Save changes and wait for this save's own "Saved." (an earlier one may still be on screen). */
async function saveChanges() {
  await page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Saved.').waitFor();
}

const received = (path: string, id: string) =>
  eventually(async () => rx.received.find((r) => r.path === path && r.body.includes(id)), { what: `a delivery of ${id} to ${path}` });

(browserAvailable() ? describe : describe.skip)('the form fixes of issue 17 in headless Chromium', () => {
  const web = useSignedInBrowser(() => svc);
  beforeAll(() => void ({ b, page } = web));

  test('a Slack webhook made on the page gets no signing secret and no rotate panel', async () => {
    await show('/webhooks/new', 'Add webhook');
    await page.getByLabel('Format').selectOption('slack');
    expect(await page.getByLabel('Signing secret (optional)').isVisible()).toBe(false);
    await page.getByLabel('Endpoint URL').fill(`${rx.url}/slack-page`);
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('heading', { name: 'Edit webhook' }).waitFor();
    await page.getByText('Webhook created.').waitFor();
    const id = /#\/webhooks\/([0-9a-f-]{36})$/.exec(page.url())![1];
    expect((await svc.api('GET', `/v1/webhooks/${id}`)).body.hasSecret).toBe(false);
    expect(await page.locator('#new-secret').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Signing secret' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Rotate secret' }).count()).toBe(0);
    expect(await page.getByText('Deliveries are signed').count()).toBe(0);
    expect(await page.content()).not.toContain('whsec_');
    await b.shot('fix-slack-no-secret');
    // A generic webhook keeps its secret panel.
    const generic = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/generic`, events: ['*'] });
    await show(`/webhooks/${generic.body.id}`, 'Edit webhook');
    await page.getByRole('button', { name: 'Rotate secret' }).waitFor();
  });

  test('"Start from the built-in template" on an all-events Slack webhook: one template per event, the error preview is an error', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/slack-all`, events: ['*'], transformer: 'slack', transformerConfig: { group: false }, filters: { chatflowIds: ['cf-all'] } });
    expect(hook.status).toBe(201);
    await show(`/webhooks/${hook.body.id}`, 'Edit webhook');
    await page.getByRole('button', { name: 'Start from the built-in template' }).click();
    await page.getByLabel('Template for Error occurred').waitFor();
    expect(await page.locator('textarea[id^="template-"]').count()).toBe(5);
    await page.getByLabel('Preview with sample event').selectOption('error_occurred');
    const preview = page.locator('#preview-output');
    await preview.getByText(/Incorrect API key provided/).first().waitFor();
    expect(await preview.textContent()).not.toContain('The flow finished');
    await b.shot('fix-per-event-error-preview');
    await page.getByLabel('Preview with sample event').selectOption('flow_completed');
    // The flow sample's own output: text the error preview never shows, so the wait ends only
    // once the preview has changed to the newly chosen event.
    await preview.getByText(/cannot export invoices/).first().waitFor();
    expect(await preview.textContent()).not.toContain('Incorrect API key');

    // Edit the error template and save: the map is stored, and a real error renders with it.
    const errorArea = page.getByLabel('Template for Error occurred');
    await errorArea.fill(`Page-made error: {{slack error.message}}\n${await errorArea.inputValue()}`);
    await saveChanges();
    const saved = (await svc.api('GET', `/v1/webhooks/${hook.body.id}`)).body.template;
    const defaults = (await svc.api('GET', '/v1/transformers')).body.data.find((t: { name: string }) => t.name === 'slack').defaultTemplates;
    expect(Object.keys(saved).sort()).toEqual(Object.keys(defaults).sort());
    expect(saved.flow_completed).toBe(defaults.flow_completed);
    expect(saved.error_occurred).toContain('Page-made error');
    const errorBody = (await received('/slack-all', await emit('error_occurred', { chatflowId: 'cf-all' }))).body;
    expect(errorBody).toContain('Page-made error: Incorrect API key');
    const flowBody = (await received('/slack-all', await emit('flow_completed', { chatflowId: 'cf-all' }))).body;
    expect(flowBody).not.toContain('Page-made error');
    // Loaded again, the page shows the per-event templates.
    await page.reload();
    await page.getByLabel('Template for Error occurred').waitFor();
    expect(await page.getByLabel('Template for Error occurred').inputValue()).toContain('Page-made error');
  });

  test('custom headers and max attempts: saved from the form, hidden when shown, kept when sent back', async () => {
    await show('/webhooks/new', 'Add webhook');
    await page.getByLabel('Endpoint URL').fill(`${rx.url}/headers`);
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1 name').fill('X-Api-Key');
    await page.getByLabel('Header 1 value').fill('first-value');
    await page.getByLabel('Max attempts (optional)').fill('3');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('heading', { name: 'Edit webhook' }).waitFor();
    const id = /#\/webhooks\/([0-9a-f-]{36})$/.exec(page.url())![1];
    expect((await svc.api('GET', `/v1/webhooks/${id}`)).body).toMatchObject({ headers: { 'X-Api-Key': '••••••' }, maxAttempts: 3 });
    expect((await received('/headers', await emit('flow_completed'))).headers['x-api-key']).toBe('first-value');

    await page.reload();
    await page.getByLabel('Header 1 name').waitFor();
    expect(await page.getByLabel('Header 1 value').inputValue()).toBe('••••••');
    expect(await page.getByLabel('Max attempts (optional)').inputValue()).toBe('3');
    expect(await page.content()).not.toContain('first-value');
    await b.shot('fix-headers');
    // Saved with the marker unchanged: the value is kept.
    await page.getByLabel('Description (optional)').fill('with a header');
    await saveChanges();
    expect((await received('/headers', await emit('flow_completed'))).headers['x-api-key']).toBe('first-value');
    // A new value replaces it; a header the API refuses is shown at the headers.
    await page.getByLabel('Header 1 value').fill('second-value');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 2 name').fill('X-Forjinn-Mine');
    await page.getByLabel('Header 2 value').fill('x');
    b.allowHttpError(400, /\/v1\/webhooks\//);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[data-field="headers"] .field-error').getByText('is set by the service').waitFor();
    await page.getByRole('button', { name: 'Remove header 2' }).click();
    await page.getByLabel('Max attempts (optional)').fill('0');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[data-field="maxAttempts"] .field-error').getByText('at least 1').waitFor();
    await page.getByLabel('Max attempts (optional)').fill('');
    await saveChanges();
    expect((await svc.api('GET', `/v1/webhooks/${id}`)).body).toMatchObject({ headers: { 'X-Api-Key': '••••••' }, maxAttempts: null });
    expect((await received('/headers', await emit('flow_completed'))).headers['x-api-key']).toBe('second-value');
  });

  test('a delivery given up shows its last attempt as failed, not as a retry', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/fail`, events: ['agent_executed'], maxAttempts: 2 });
    const id = await emit('agent_executed');
    const d = await eventually(async () => {
      const [row] = (await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body.data;
      return row?.status === 'failed' ? row : undefined;
    }, { what: `the delivery of ${id} to fail` });
    await show(`/deliveries/${d.id}`, 'Delivery: agent_executed');
    const attempts = page.locator('li.attempt');
    expect(await attempts.count()).toBe(2);
    await attempts.first().getByRole('heading', { name: /^Attempt 2 failed HTTP 503/ }).waitFor();
    expect(await attempts.first().locator('h3 .badge').textContent()).toBe('failed');
    await attempts.first().getByText('the delivery was given up and marked failed').waitFor();
    // The attempt before it was retried: it says so.
    expect(await attempts.nth(1).locator('h3 .badge').textContent()).toBe('retry');
    await b.shot('fix-failed-last-attempt');
  });

  test('Send Test sends the edited payload; invalid JSON is shown at the field', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/test-payload`, events: ['flow_completed', 'error_occurred'] });
    await show(`/webhooks/${hook.body.id}`, 'Edit webhook');
    const payload = page.getByLabel('Payload (JSON)');
    expect(JSON.parse(await payload.inputValue())).toEqual(fixture('flow_completed'));
    await page.getByLabel('Sample event', { exact: true }).selectOption('error_occurred');
    expect(JSON.parse(await payload.inputValue())).toEqual(fixture('error_occurred'));

    // This webhook's requests only: the receiver is shared with the file's other webhooks, whose
    // deliveries may still arrive meanwhile (one did, in a busy CI run).
    const sentHere = () => rx.received.filter((r) => r.path.startsWith('/test-payload'));
    const before = sentHere().length;
    await payload.fill('{"error": {"message": "oops"');
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.locator('#test-payload-error').getByText(/is not valid JSON/).waitFor();
    expect(await payload.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('test-payload');
    expect(sentHere().length).toBe(before);
    await b.shot('fix-send-test-invalid');

    const edited = { ...fixture('error_occurred'), chatflowName: 'Edited in the page', error: { kind: 'timeout', message: 'edited message' } };
    await payload.fill(JSON.stringify(edited, null, 2));
    expect(await payload.getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByRole('region', { name: 'Send Test result' }).getByText(/Test delivered/).waitFor();
    const got = JSON.parse(sentHere().at(-1)!.body);
    expect(got).toMatchObject({ event: 'error_occurred', test: true, chatflowName: 'Edited in the page', error: { kind: 'timeout', message: 'edited message' } });
  });

  test('the Format help and the template help are the chosen format\'s', async () => {
    const transformers = (await svc.api('GET', '/v1/transformers')).body.data as Array<{ name: string; label: string; templateHelp: string }>;
    await show('/webhooks/new', 'Add webhook');
    const formatHelp = page.locator('[data-field="transformer"] .help');
    const seen = new Set<string>();
    b.allowHttpError(400, /\/v1\/preview$/);
    for (const t of transformers) {
      await page.getByLabel('Format').selectOption(t.name);
      await page.locator('#template-help').getByText(t.templateHelp, { exact: true }).waitFor();
      const text = (await formatHelp.textContent())!;
      expect(text).toContain(t.name === 'generic' ? 'signed with the webhook' : `${t.label} message`);
      if (t.name !== 'generic') expect(text).toContain('Not signed');
      seen.add(text);
      expect({ name: t.name, unlabelled: await unlabelledControls(page) }).toEqual({ name: t.name, unlabelled: [] });
    }
    expect(seen.size).toBe(transformers.length);
  });
});
