// Headless Chromium for the settings page's tests: Debian's chromium driven by playwright-core,
// a fresh profile per file, every console error and page error collected (a test fails on any
// it did not expect), and screenshots under test-results/browser/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = fileURLToPath(new URL('../../test-results/browser/', import.meta.url));

/**
 * Whether this file can run. With REQUIRE_BROWSER=1 (CI) a missing chromium is a failure, not
 * a skip; elsewhere the suite says loudly that it skipped and how to install it.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error(`REQUIRE_BROWSER=1 but there is no chromium at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  }
  process.stderr.write(`\n*** browser tests SKIPPED: no chromium at ${CHROMIUM_PATH} (apt-get install -y chromium; CI sets REQUIRE_BROWSER=1) ***\n\n`);
  return false;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console and page errors not (yet) claimed by allowHttpError. */
  errors: string[];
  /** An API answer with this status at a URL matching `url` is expected: its console line is fine. */
  allowHttpError(status: number, url: RegExp): void;
  /** A console error matching this is provoked on purpose (e.g. a CSP refusal). */
  allowConsole(text: RegExp): void;
  /** The unexpected errors since the last call; allowances end with the step. */
  endStep(): string[];
  shot(name: string, opts?: { fullPage?: boolean; path?: string }): Promise<void>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  timezoneId?: string;
  viewport?: { width: number; height: number };
}

export async function launch(opts: LaunchOptions = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'fjw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: opts.timezoneId ?? 'UTC',
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const allowed: Array<{ status: number; url: RegExp }> = [];
  const allowedText: RegExp[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const url = msg.location().url;
    // Chromium logs every 4xx answer to fetch() as "Failed to load resource"; the ones a test
    // provoked on purpose (a bad URL, a wrong key) are expected, any other is a failure.
    const m = /^Failed to load resource: the server responded with a status of (\d+)/.exec(text);
    if (m && allowed.some((a) => a.status === Number(m[1]) && a.url.test(url))) return;
    if (allowedText.some((re) => re.test(text))) return;
    errors.push(`${text} (${url})`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  mkdirSync(RESULTS_DIR, { recursive: true });
  return {
    context,
    page,
    errors,
    allowHttpError: (status, url) => void allowed.push({ status, url }),
    allowConsole: (text) => void allowedText.push(text),
    endStep() {
      allowed.length = 0;
      allowedText.length = 0;
      return errors.splice(0);
    },
    async shot(name, o = {}) {
      await page.screenshot({ path: o.path ?? join(RESULTS_DIR, `${name}.png`), fullPage: o.fullPage ?? true });
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium for a describe block: launched before its tests and signed in to the page of `svc()`
 * (its first screen, no webhooks yet), closed after them; each test fails on a console or page
 * error it did not provoke. Read `b` and `page` in tests and hooks.
 */
export function useSignedInBrowser(svc: () => { url: string; key: string }, opts: LaunchOptions = {}): { readonly b: Browser; readonly page: Page } {
  let b: Browser | undefined;
  beforeAll(async () => {
    b = await launch(opts);
    await b.page.goto(`${svc().url}/`);
    await b.page.getByLabel('API key').fill(svc().key);
    await b.page.getByRole('button', { name: 'Sign in' }).click();
    await b.page.getByText('No webhooks yet.').waitFor();
  }, 60_000);
  afterAll(async () => {
    await b?.close();
  });
  afterEach(() => expect(b?.endStep()).toEqual([]));
  const started = (): Browser => {
    if (!b) throw new Error('the browser is not started yet: use it in a test or hook');
    return b;
  };
  return {
    get b() {
      return started();
    },
    get page() {
      return started().page;
    },
  };
}

/** Every visible form control on the page that has no accessible name. */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement>('input, select, textarea')]
      .filter((el) => el.type !== 'hidden' && el.getClientRects().length > 0)
      .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

/** True when the page is wider than the window (a phone would scroll sideways). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

/** The text a <time> element shows, and that time formatted in `zone` as the page should show it. */
export async function shownAndExpected(time: Locator, zone: string): Promise<{ shown: string; expected: string }> {
  const iso = (await time.getAttribute('datetime'))!;
  const expected = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'medium', timeZone: zone }).format(new Date(iso));
  // Chromium and Node may differ in which space they put before AM/PM.
  return { shown: (await time.textContent())!.replace(/\s/g, ' '), expected: expected.replace(/\s/g, ' ') };
}

export const fixture = (type: string) => JSON.parse(readFileSync(new URL(`../../samples/events/${type}.json`, import.meta.url), 'utf8'));
