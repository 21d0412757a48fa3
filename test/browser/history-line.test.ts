// The settings page says how far back history goes (issue 13): one quiet line under the request
// log and under the events list, from the lists' `retention`: "History is kept for 30 days (since
// <time>)." or, with FORJINN_RETENTION=0, "History is kept forever (FORJINN_RETENTION=0)."
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startService, type TestService } from '../helpers/service.js';
import { browserAvailable, launch, type Browser } from '../helpers/browser.js';

let b: Browser;
let page: Page;

async function signIn(svc: TestService) {
  await page.goto(`${svc.url}/`);
  await page.getByLabel('API key').fill(svc.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('No webhooks yet.').waitFor();
}

async function show(svc: TestService, hash: string, heading: string) {
  await page.goto(`${svc.url}/#${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** A webhook with one event delivered to it (no worker: it stays pending, which is fine here). */
async function webhookWithEvent(svc: TestService): Promise<string> {
  const hook = await svc.api('POST', '/v1/webhooks', { url: 'https://example.com/history', events: ['*'] });
  expect(hook.status).toBe(201);
  expect((await svc.api('POST', '/v1/events', { event: 'flow_completed', id: `history-${hook.body.id}`, chatflowId: 'cf' })).status).toBe(202);
  return hook.body.id;
}

(browserAvailable() ? describe : describe.skip)('the history line in headless Chromium', () => {
  beforeAll(async () => {
    b = await launch({ timezoneId: 'Europe/Berlin' });
    page = b.page;
  }, 60_000);
  afterAll(async () => {
    await b?.close();
  });
  afterEach(() => expect(b.endStep()).toEqual([]));

  describe('FORJINN_RETENTION=30d', () => {
    let svc: TestService;
    let hookId: string;
    beforeAll(async () => {
      svc = await startService({ FORJINN_RETENTION: '30d' }, { api: true, worker: false });
      await signIn(svc);
      hookId = await webhookWithEvent(svc);
    }, 60_000);
    afterAll(async () => {
      await svc?.close();
    });

    /** The line says 30 days, and its time is the API's `since`, shown in the viewer's zone. */
    async function expectLine(apiPath: string) {
      const line = page.locator('.history-line', { hasText: 'History is kept' });
      await line.waitFor();
      expect(await line.textContent()).toMatch(/^History is kept for 30 days \(since .+\)\.$/);
      const shown = line.locator('time');
      const iso = (await shown.getAttribute('datetime'))!;
      const api = (await svc.api('GET', apiPath)).body.retention;
      expect(Math.abs(Date.parse(iso) - Date.parse(api.since))).toBeLessThan(60_000);
      const expected = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(new Date(iso));
      expect((await shown.textContent())!.replace(/\s/g, ' ')).toBe(expected.replace(/\s/g, ' '));
    }

    test('the request log', async () => {
      await show(svc, `/webhooks/${hookId}/log`, 'Request log');
      await page.locator('tr[data-delivery]').first().waitFor();
      await expectLine(`/v1/webhooks/${hookId}/deliveries`);
      await b.shot('history-line-request-log');
    });

    test('the events list', async () => {
      await show(svc, '/events', 'Events');
      await page.locator('tr[data-event]').first().waitFor();
      await expectLine('/v1/events');
      await b.shot('history-line-events');
    });
  });

  describe('FORJINN_RETENTION=0', () => {
    let svc: TestService;
    let hookId: string;
    beforeAll(async () => {
      svc = await startService({ FORJINN_RETENTION: '0' }, { api: true, worker: false });
      await signIn(svc);
      hookId = await webhookWithEvent(svc);
    }, 60_000);
    afterAll(async () => {
      await svc?.close();
    });

    test('the request log and the events list say history is kept forever', async () => {
      for (const [hash, heading] of [[`/webhooks/${hookId}/log`, 'Request log'], ['/events', 'Events']]) {
        await show(svc, hash, heading);
        await expect(page.locator('.history-line', { hasText: 'History is kept' }).textContent()).resolves.toBe('History is kept forever (FORJINN_RETENTION=0).');
      }
    });
  });
});
