// Grouped alerts on the settings page (issue 14, item 1): the group setting of a chat webhook is
// set through the form (on or off, by, wait, interval, close), saved, and shown again; the
// preview says in a sentence what grouping does for this webhook and follows each change; a value
// the API refuses is shown at its field; a format that never groups has no group field.
import { beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { useRig } from '../helpers/rig.js';
import { browserAvailable, unlabelledControls, useSignedInBrowser, type Browser } from '../helpers/browser.js';

const { svc, rx } = useRig();
let b: Browser;
let page: Page;

async function show(hash: string, heading: string) {
  await page.goto(`${svc.url}/#${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Save changes and wait for this save's own "Saved." (an earlier one may still be on screen). */
async function saveChanges() {
  await page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Saved.').waitFor();
}

/** Waits until the preview's grouping line reads exactly `text` (a line not yet on the page). */
const groupingLine = (text: string) => page.locator('#preview-grouping').getByText(text, { exact: true }).waitFor();

const stored = async (id: string) => (await svc.api('GET', `/v1/webhooks/${id}`)).body.transformerConfig;

(browserAvailable() ? describe : describe.skip)('the group setting on the settings page in headless Chromium', () => {
  const web = useSignedInBrowser(() => svc);
  beforeAll(() => void ({ b, page } = web));

  test('set on a Slack webhook through the form: stored as set, shown again, explained by the preview', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/slack-group`, events: ['error_occurred'], transformer: 'slack', transformerConfig: { group: false } });
    expect(hook.status).toBe(201);
    await show(`/webhooks/${hook.body.id}`, 'Edit webhook');
    const on = page.getByLabel('Group alerts: one message per group of like events, kept up to date');
    expect(await on.isChecked()).toBe(false);
    expect(await page.getByLabel('Wait before the first message (optional)').isDisabled()).toBe(true);
    await groupingLine('Not grouped: one message per event.');

    await on.check();
    await groupingLine('Events with the same type, chatflow or agent, and error code are gathered for 30s and sent as one message, updated by a new digest message at most every 1m, closed after 10m quiet.');
    await page.getByLabel('Group by (optional)').fill('event, chatflowId');
    await page.getByLabel('Wait before the first message (optional)').fill('5s');
    await page.getByLabel('Update at most every (optional)').fill('2m');
    await page.getByLabel('Close after quiet (optional)').fill('15m');
    await groupingLine('Events with the same type and chatflow are gathered for 5s and sent as one message, updated by a new digest message at most every 2m, closed after 15m quiet.');
    expect(await unlabelledControls(page)).toEqual([]);
    await b.shot('group-setting-on');
    await saveChanges();
    expect(await stored(hook.body.id)).toEqual({ group: { by: ['event', 'chatflowId'], wait: '5s', interval: '2m', close: '15m' } });

    // Loaded again, the form shows what is stored.
    await page.reload();
    await page.getByLabel('Close after quiet (optional)').waitFor();
    expect(await on.isChecked()).toBe(true);
    expect(await page.getByLabel('Group by (optional)').inputValue()).toBe('event, chatflowId');
    expect(await page.getByLabel('Wait before the first message (optional)').inputValue()).toBe('5s');
    await groupingLine('Events with the same type and chatflow are gathered for 5s and sent as one message, updated by a new digest message at most every 2m, closed after 15m quiet.');

    // Off: one message per event, stored as group: false.
    await on.uncheck();
    await groupingLine('Not grouped: one message per event.');
    await saveChanges();
    expect(await stored(hook.body.id)).toEqual({ group: false });
  });

  test('a group value the API refuses is shown at its field, and nothing is saved', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/slack-bad`, events: ['error_occurred'], transformer: 'slack', transformerConfig: { group: { wait: '10s' } } });
    await show(`/webhooks/${hook.body.id}`, 'Edit webhook');
    await groupingLine('Events with the same type, chatflow or agent, and error code are gathered for 10s and sent as one message, updated by a new digest message at most every 1m, closed after 10m quiet.');
    b.allowHttpError(400, /\/v1\/webhooks\//);
    await page.getByLabel('Wait before the first message (optional)').fill('2h');
    await page.locator('#preview-output').getByText('No preview: transformerConfig.group.wait: group.wait: must be between 0s and 1h').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    const waitError = page.locator('[data-field="transformerConfig.group.wait"] .field-error');
    await waitError.getByText('must be between 0s and 1h').waitFor();
    expect(await page.getByLabel('Wait before the first message (optional)').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Group by (optional)').fill('event, error-code');
    await page.getByLabel('Wait before the first message (optional)').fill('1s');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[data-field="transformerConfig.group.by"] .field-error').getByText('must be an event field name such as chatflowId or error.code').waitFor();
    expect(await waitError.textContent()).toBe('');
    await b.shot('group-setting-refused');
    expect(await stored(hook.body.id)).toEqual({ group: { wait: '10s' } });
    // Another format chosen, not saved: previewed with its own settings, not this Slack group setting.
    await page.getByLabel('Format').selectOption('generic');
    await page.locator('#preview-output').getByText('application/json, signed', { exact: true }).waitFor();
  });

  test('Discord edits its message in place; a format that never groups has no group field', async () => {
    await show('/webhooks/new', 'Add webhook');
    await page.getByLabel('Format').selectOption('discord');
    await page.getByLabel('Group alerts: one message per group of like events, kept up to date').check();
    await groupingLine('Events with the same type, chatflow or agent, and error code are gathered for 30s and sent as one message, updated in place at most every 1m, closed after 10m quiet.');
    await page.getByLabel('Format').selectOption('generic');
    await page.locator('#preview-output').getByText('application/json, signed', { exact: true }).waitFor();
    await page.locator('#preview-grouping').waitFor({ state: 'detached' });
    expect(await page.locator('#group-on').count()).toBe(0);
    b.allowHttpError(400, /\/v1\/preview$/);
    await page.getByLabel('Format').selectOption('pagerduty');
    await page.getByLabel('Integration key').waitFor();
    expect(await page.locator('#group-on').count()).toBe(0);
  });
});
