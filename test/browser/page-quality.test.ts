// The settings page's promises beyond the main scenario: security headers and a CSP that is
// really enforced, keyboard use, labelled controls, empty states that say what to do next, a
// phone-width layout without sideways scrolling, times in the viewer's zone, secret rotation,
// and the health API the list is built on.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { eventually } from '../helpers/eventually.js';
import { useRig } from '../helpers/rig.js';
import { browserAvailable, fixture, launch, shownAndExpected, overflowsHorizontally, unlabelledControls, type Browser } from '../helpers/browser.js';

const ZONE = 'America/Los_Angeles';

const { svc, rx } = useRig({
  env: { FORJINN_RETRY_DELAYS: '50ms' },
  responder: (req, _n, res) => {
    if (req.path.startsWith('/fail')) return res.writeHead(500).end('broken');
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  },
});
let b: Browser;
let page: Page;
let hookId = '';
let secret = '';

async function tabTo(match: (el: { id: string; text: string }) => boolean, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '' }));
    if (match(el)) return;
  }
  throw new Error('Tab never reached the control');
}

async function show(hash: string, heading: string | RegExp) {
  await page.goto(`${svc.url}/#${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

(browserAvailable() ? describe : describe.skip)('settings page quality', () => {
  beforeAll(async () => {
    b = await launch({ timezoneId: ZONE });
    page = b.page;
  }, 60_000);
  afterAll(async () => {
    await b?.close();
  });
  afterEach(() => expect(b.endStep()).toEqual([]));

  test('the page and its assets carry security headers and a strict CSP; the HTML has no inline code', async () => {
    const html = await fetch(`${svc.url}/`);
    expect(html.status).toBe(200);
    const csp = html.headers.get('content-security-policy') ?? '';
    for (const rule of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "require-trusted-types-for 'script'"]) expect(csp).toContain(rule);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html.headers.get('x-frame-options')).toBe('DENY');
    expect(html.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html.headers.get('set-cookie')).toBeNull();
    const text = await html.text();
    expect(text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
    expect(text).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    for (const [path, type] of [['/assets/app.js', 'text/javascript'], ['/assets/app.css', 'text/css'], ['/assets/icon.svg', 'image/svg+xml']]) {
      const res = await fetch(`${svc.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('content-security-policy')).toBe(csp);
      // Cached by ETag: a second load costs a 304.
      const again = await fetch(`${svc.url}${path}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
    expect((await fetch(`${svc.url}/assets/nope.js`)).status).toBe(404);
  });

  test('sign in by keyboard; empty states say what to do next', async () => {
    await page.goto(`${svc.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    await page.keyboard.type(svc.key);
    await page.keyboard.press('Enter');
    await page.getByText('No webhooks yet.').waitFor();
    await page.getByRole('link', { name: 'Add your first webhook' }).waitFor();
    await show('/events', 'Events');
    await page.getByText('No events yet.').waitFor();
    await page.locator('pre').getByText(`${svc.url}/v1/events`).waitFor();
    await b.shot('quality-events-empty');
  });

  test('add a webhook and send a test by keyboard alone', async () => {
    await show('/webhooks', 'Webhooks');
    await tabTo((el) => el.text === 'Add your first webhook');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Add webhook' }).waitFor();
    await tabTo((el) => el.id === 'url');
    await page.keyboard.type(`${rx.url}/ok`);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Edit webhook' }).waitFor();
    hookId = /#\/webhooks\/([0-9a-f-]{36})$/.exec(page.url())![1];
    secret = await page.getByRole('textbox', { name: 'Signing secret', exact: true }).inputValue();
    // Nothing delivered yet: the log says how to get something into it.
    await show(`/webhooks/${hookId}/log`, 'Request log');
    await page.getByText('No deliveries yet.').waitFor();
    await page.getByRole('link', { name: "the webhook's page" }).waitFor();
    await show(`/webhooks/${hookId}`, 'Edit webhook');
    await tabTo((el) => el.text === 'Send test');
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Send Test result' }).getByText(/Test delivered/).waitFor();
  });

  test('every control on every screen has a label', async () => {
    await svc.api('POST', '/v1/events', { ...fixture('flow_completed'), id: randomUUID() });
    const delivery = await eventually(async () => (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries?status=succeeded`)).body.data.find((d: any) => !d.test));
    const screens: Array<[string, string | RegExp]> = [
      ['/webhooks', 'Webhooks'],
      ['/webhooks/new', 'Add webhook'],
      [`/webhooks/${hookId}`, 'Edit webhook'],
      [`/webhooks/${hookId}/log`, 'Request log'],
      [`/deliveries/${delivery.id}`, /^Delivery/],
      ['/events', 'Events'],
    ];
    for (const [hash, heading] of screens) {
      await show(hash, heading);
      expect({ hash, unlabelled: await unlabelledControls(page) }).toEqual({ hash, unlabelled: [] });
    }
    // The format settings of every transformer, too. (The live preview of a PagerDuty webhook
    // without its integration key is refused, rightly: a 400 the console may show.)
    await show('/webhooks/new', 'Add webhook');
    b.allowHttpError(400, /\/v1\/preview$/);
    // Every target the API lists (the registry's).
    for (const { name } of (await svc.api('GET', '/v1/transformers')).body.data as Array<{ name: string }>) {
      await page.getByLabel('Format').selectOption(name);
      expect({ name, unlabelled: await unlabelledControls(page) }).toEqual({ name, unlabelled: [] });
    }
  });

  test('times are shown in the viewer\'s zone', async () => {
    await show(`/webhooks/${hookId}/log`, 'Request log');
    await page.locator('#footer').getByText(`Times are shown in your time zone (${ZONE})`).waitFor();
    const { shown, expected } = await shownAndExpected(page.locator('tr[data-delivery] time').first(), ZONE);
    expect(shown).toBe(expected);
  });

  test('readable on a phone: no screen scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const d = (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries`)).body.data[0];
      for (const [hash, heading, name] of [
        ['/webhooks', 'Webhooks', 'phone-webhooks'],
        ['/webhooks/new', 'Add webhook', 'phone-add-webhook'],
        [`/webhooks/${hookId}/log`, 'Request log', 'phone-request-log'],
        [`/deliveries/${d.id}`, /^Delivery/, 'phone-delivery'],
        ['/events', 'Events', 'phone-events'],
      ] as Array<[string, string | RegExp, string]>) {
        await show(hash, heading);
        expect({ hash, overflows: await overflowsHorizontally(page) }).toEqual({ hash, overflows: false });
        await b.shot(name);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  test('rotate the secret with a grace period: both secrets sign until it ends', async () => {
    await show(`/webhooks/${hookId}`, 'Edit webhook');
    await page.getByLabel('Old secret keeps working for').selectOption({ label: '1 hour' });
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const fresh = await page.getByRole('textbox', { name: 'Signing secret', exact: true }).inputValue();
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secret);
    await page.getByText(/every delivery is signed with both the old and the new secret/).waitFor();
    await b.shot('14-secret-rotated');
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByRole('region', { name: 'Send Test result' }).getByText(/Test delivered/).waitFor();
    const got = rx.received.at(-1)!;
    for (const s of [secret, fresh]) expect(new StandardWebhook(s).verify(got.body, got.headers)).toMatchObject({ test: true });
    expect(await octokitVerify(fresh, got.body, got.headers['x-forjinn-signature'])).toBe(true);
    expect(await octokitVerify(secret, got.body, got.headers['x-forjinn-signature-previous'])).toBe(true);
  });

  test('the CSP is enforced: the page cannot run injected inline code', async () => {
    await show('/webhooks', 'Webhooks');
    b.allowConsole(/TrustedScript|TrustedHTML|Trusted Type|Content Security Policy/);
    const outcome = await page.evaluate(() => {
      const errors: string[] = [];
      try {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = true';
        document.head.append(s);
      } catch (e) {
        errors.push(String(e));
      }
      try {
        document.body.insertAdjacentHTML('beforeend', '<img src="/assets/icon.svg" onload="window.__injected = true">');
      } catch (e) {
        errors.push(String(e));
      }
      return { errors: errors.length, injected: (window as unknown as { __injected?: boolean }).__injected ?? false };
    });
    expect(outcome).toEqual({ errors: 2, injected: false });
  });

  test('GET /v1/webhooks/:id/health: last delivery, streak, 24 h rate without tests; 404 across workspaces', async () => {
    const bad = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/fail`, events: ['agent_executed'], maxAttempts: 2 });
    expect(bad.status).toBe(201);
    const ok = (await svc.api('GET', `/v1/webhooks/${hookId}/health`)).body;
    // One event delivered and one Send Test: the test is the last delivery but not in the rate.
    expect(ok).toMatchObject({ webhookId: hookId, enabled: true, failureStreak: 0, disabledReason: null, last24h: { succeeded: 1, failed: 0, successRate: 1, capped: false } });
    expect(ok.lastDelivery).toMatchObject({ status: 'succeeded', statusCode: 200, test: true });

    await svc.api('POST', '/v1/events', { ...fixture('agent_executed'), id: randomUUID() });
    const h = await eventually(async () => {
      const r = (await svc.api('GET', `/v1/webhooks/${bad.body.id}/health`)).body;
      // The streak is written beside the delivery's final status, not necessarily in the same read.
      return r.last24h.failed === 1 && r.failureStreak === 1 ? r : undefined;
    });
    expect(h).toMatchObject({ failureStreak: 1, lastDelivery: { status: 'failed', statusCode: 500, test: false, attempts: 2 }, last24h: { succeeded: 0, failed: 1, pending: 0, total: 1, successRate: 0 } });
    await svc.api('POST', `/v1/webhooks/${bad.body.id}/test`, {});
    const afterTest = (await svc.api('GET', `/v1/webhooks/${bad.body.id}/health`)).body;
    expect(afterTest.lastDelivery).toMatchObject({ test: true, statusCode: 500 });
    expect(afterTest.last24h).toEqual(h.last24h);

    const other = await svc.newWorkspaceKey(`other-${randomUUID().slice(0, 8)}`);
    expect((await svc.api('GET', `/v1/webhooks/${hookId}/health`, undefined, other)).status).toBe(404);
    expect((await svc.api('GET', `/v1/webhooks/${randomUUID()}/health`)).status).toBe(404);
    expect((await svc.api('GET', `/v1/webhooks/${hookId}/health`, undefined, 'fjk_wrong')).status).toBe(401);
  });
});
