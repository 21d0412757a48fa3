// The contract every target meets, as suites that take a target and its contract.ts
// (src/services/transformers/shared/contract.ts): the test files run them over every entry of the
// registry (registry, render, templates, vendor-validators, status-matrix), and
// throwaway-target.test.ts over a target registered only there. A registered target without a
// contract.ts fails to load here: never a silent skip.
import { describe, expect, it } from '@jest/globals';
import { classify } from '../../src/services/delivery/retry-policy.js';
import type { SendResult } from '../../src/services/delivery/http.js';
import { prepareEvent } from '../../src/services/ingest/ingest.js';
import { TRANSFORMER_NAMES, TRANSFORMERS, type TransformerName } from '../../src/services/transformers/index.js';
import { MATRIX_STATUSES, type TargetContract } from '../../src/services/transformers/shared/contract.js';
import { helperNames } from '../../src/services/transformers/shared/helpers.js';
import { SAMPLE_EVENTS } from '../../src/services/transformers/samples.js';
import { TransformerError, type EventType, type ForjinnEvent, type RenderContext, type Rendered, type Transformer, type Verdict } from '../../src/services/transformers/types.js';

export type { TargetContract };

/** Every registered target's contract, by name. */
export const CONTRACTS = Object.freeze(
  Object.fromEntries(
    await Promise.all(
      TRANSFORMER_NAMES.map(async (name) => {
        const module = (await import(`../../src/services/transformers/${name}/contract.js`)) as { contract?: TargetContract };
        if (!module.contract) throw new Error(`src/services/transformers/${name}/contract.ts exports no contract`);
        return [name, module.contract] as const;
      }),
    ),
  ) as Record<TransformerName, TargetContract>,
);

/** A target and its contract, for the suites. */
export interface Target {
  transformer: Transformer;
  contract: TargetContract;
}

export const REGISTERED: Array<[TransformerName, Target]> = TRANSFORMER_NAMES.map((name) => [name, { transformer: TRANSFORMERS[name], contract: CONTRACTS[name] }]);

export const BOT_TOKEN = 'xoxb-1111111111-2222222222222-AbCdEfGhIjKlMnOpQrStUvWx';

/** Everything a reason text, an error or (unless the vendor reads it there) a body must not contain. */
export const SECRETS = [...new Set([BOT_TOKEN, ...Object.values(CONTRACTS).flatMap((c) => c.secrets)])];

/** A render context with links configured. */
export const CTX: RenderContext = {
  appUrl: 'https://app.forjinn.example',
  publicUrl: 'https://hooks.forjinn.example',
  webhookId: 'wh_123',
  deliveryId: 'dlv_456',
};

export const EVENT_TYPES_LIST = Object.keys(SAMPLE_EVENTS) as EventType[];

/** A sample event with fields replaced (deep-copied, so samples stay untouched). */
export function eventWith(type: EventType, patch: Record<string, unknown> = {}): ForjinnEvent {
  return { ...structuredClone(SAMPLE_EVENTS[type]), ...patch };
}

/** Renders through `target` with its contract's settings and hook URL (both replaceable). */
export function renderTarget(
  { transformer, contract }: Target,
  event: ForjinnEvent,
  options: { ctx?: RenderContext; template?: string; config?: unknown } = {},
): Rendered {
  const config = transformer.parseConfig(options.config ?? contract.settings);
  return transformer.render(event, config, { ...CTX, webhookUrl: contract.hookUrl, ...options.ctx }, options.template);
}

/** A long model output with a mention, a link, quotes and emoji (surrogate pairs) in it. */
export function hugeOutput(chars: number): string {
  const chunk = 'The answer is "yes" <!here> <@U123> <https://evil.example|click> 😀 & more.\n';
  return chunk.repeat(Math.ceil(chars / chunk.length)).slice(0, chars);
}

/** `units` UTF-16 units (what ingest's bounds count) of text with emoji, never half a surrogate pair. */
function long(units: number): string {
  let out = '';
  for (const c of Array.from('Ab😀 '.repeat(Math.ceil(units / 4)))) {
    if (out.length + c.length > units) break;
    out += c;
  }
  return out;
}

/**
 * The largest event of the type that ingest accepts: every id, name and text at its bound
 * (src/services/ingest/schemas.ts), as delivered (prepareEvent refuses anything past them).
 */
export function oversized(type: EventType): ForjinnEvent {
  const raw = eventWith(type, {
    chatflowId: long(200),
    agentId: long(200),
    datasetId: long(200),
    evaluationId: long(200),
    sessionId: long(200),
    chatflowName: long(500),
    agentName: long(500),
    datasetName: long(500),
    evaluationName: long(500),
    user: long(320),
    input: hugeOutput(200_000),
    output: hugeOutput(200_000),
    ...(type === 'agent_executed' || type === 'evaluation_completed' ? { status: `failed ${long(93)}` } : {}),
    ...(type === 'dataset_updated' ? { change: long(100) } : {}),
    error: { kind: long(200), code: long(200), message: hugeOutput(100_000), nodeId: long(200), stack: hugeOutput(100_000) },
  });
  return JSON.parse(prepareEvent(raw, 'default').payload) as ForjinnEvent;
}

/** The body checker's verdict, with the target named (so a failure says whose). */
const checked = (name: string, contract: TargetContract, rendered: Rendered) => [name, contract.check(rendered)];

// ---- declarations and settings ----

export function describeDeclarations(name: string, { transformer: t, contract }: Target): void {
  describe(`${name} declares what it is`, () => {
    it('is named, labelled and explains its template', () => {
      expect(t.name).toBe(name);
      expect(t.label.length).toBeGreaterThan(0);
      expect(t.templateHelp?.length).toBeGreaterThan(0);
    });

    it('says whether it is signed, and every body it renders says the same', () => {
      expect(typeof t.signed).toBe('boolean');
      for (const type of EVENT_TYPES_LIST) expect(renderTarget({ transformer: t, contract }, eventWith(type)).signed).toBe(t.signed);
      // Unsigned targets are rate-limited chat and incident services: one delivery at a time per webhook.
      if (!t.signed) expect(t.defaultEndpointConcurrency).toBe(1);
    });

    it('declares each capability, and bot mode with the rule saying which settings use it', () => {
      expect(Object.keys(t.capabilities).sort()).toEqual(['botMode', 'edits', 'threads']);
      for (const value of Object.values(t.capabilities)) expect(typeof value).toBe('boolean');
      expect(typeof t.usesBot === 'function').toBe(t.capabilities.botMode);
      if (t.usesBot) expect(t.usesBot(contract.settings)).toBe(false);
    });

    it('declares its vendor limits, each with the vendor page that documents it', () => {
      for (const limit of t.limits) {
        expect(limit).toEqual({ what: expect.any(String), max: expect.any(Number), unit: expect.any(String), doc: expect.stringMatching(/^https:\/\/[^/]+\.[a-z]+\//) });
        expect(limit.max).toBeGreaterThan(0);
      }
      // A chat or incident target renders within a vendor's limits; only the plain receiver has none.
      if (!t.signed) expect(t.limits.length).toBeGreaterThan(0);
    });

    it('declares its send rate with the vendor page that documents it, and what one destination is', () => {
      // The plain receiver is not paced (docs/delivery.md, "Pacing"); a target without a rate is not either.
      if (t.signed) expect(t.rate ?? null).toBeNull();
      if (t.rate) {
        expect(t.rate).toEqual({ requests: expect.any(Number), perMs: expect.any(Number), per: expect.any(String), doc: expect.stringMatching(/^https:\/\/[^/]+\.[a-z]+\//) });
        expect(Number.isInteger(t.rate.requests) && t.rate.requests > 0 && t.rate.perMs > 0).toBe(true);
      }
      // A destination is a key of the settings and URL: the same for the same webhook, a string.
      const config = t.parseConfig(contract.settings);
      expect(typeof (t.destination?.(config, contract.hookUrl) ?? contract.hookUrl)).toBe('string');
      expect(t.destination?.(config, contract.hookUrl)).toBe(t.destination?.(config, contract.hookUrl));
    });

    it('has its template helpers registered in the template environment', () => {
      for (const helper of t.helpers ?? []) expect(helperNames()).toContain(helper.name);
    });
  });
}

export function describeSettings(name: string, { transformer: t, contract }: Target): void {
  describe(`${name} settings`, () => {
    it('accepts its contract\'s settings and URL', () => {
      const config = t.parseConfig(contract.settings);
      expect(() => t.checkUrl?.(new URL(contract.hookUrl), config)).not.toThrow();
      for (const key of Object.keys(contract.settings)) expect(t.configFields.map((f) => f.name)).toContain(key);
    });

    it('refuses settings that are not an object, and unknown settings by name', () => {
      expect(() => t.parseConfig('x')).toThrow(expect.objectContaining({ code: 'invalid_config' }));
      expect(() => t.parseConfig([1])).toThrow(TransformerError);
      expect(() => t.parseConfig({ ...contract.settings, bogus: 1 })).toThrow(expect.objectContaining({ code: 'invalid_config', field: 'bogus' }));
    });

    it('puts the webhook URL only in Rendered.url, never in the body or headers', () => {
      for (const type of ['flow_completed', 'error_occurred'] as const) {
        const rendered = renderTarget({ transformer: t, contract }, eventWith(type));
        const allowed = contract.bodyCarries ?? [];
        for (const secret of [...SECRETS, ...contract.secrets].filter((s) => !allowed.includes(s))) expect([name, rendered.body.includes(secret)]).toEqual([name, false]);
        expect(JSON.stringify(rendered.headers)).not.toContain(contract.hookUrl);
      }
    });
  });
}

// ---- rendering ----

export function describeRendering(name: string, target: Target): void {
  const { transformer: t, contract } = target;
  const render = (event: ForjinnEvent, options?: Parameters<typeof renderTarget>[2]) => renderTarget(target, event, options);

  describe(`${name} renders`, () => {
    it.each(EVENT_TYPES_LIST)('the %s sample into a body its vendor takes, nothing cut', (type) => {
      const rendered = render(eventWith(type));
      expect(checked(name, contract, rendered)).toEqual([name, []]);
      expect(rendered.truncated).toEqual([]);
      expect(rendered.templateError).toBeUndefined();
    });

    it.each(EVENT_TYPES_LIST)('the %s sample without links or URLs configured', (type) => {
      const rendered = render(eventWith(type), { ctx: { appUrl: undefined, publicUrl: undefined, webhookUrl: undefined } });
      expect(checked(name, contract, rendered)).toEqual([name, []]);
      expect(rendered.body).not.toContain('/canvas/');
      expect(rendered.url).toBeUndefined();
    });

    it('a 20,000-character output, cut to fit and reported', () => {
      for (const type of ['flow_completed', 'agent_executed'] as const) {
        const rendered = render(eventWith(type, { output: hugeOutput(20_000) }));
        expect(checked(name, contract, rendered)).toEqual([name, []]);
        // The plain receiver gets the event whole; a message that carries no output has nothing to cut.
        if (!t.signed && rendered.body.includes('The answer is')) expect(rendered.truncated.length).toBeGreaterThan(0);
      }
    });

    it('a test delivery, marked as one', () => {
      const rendered = render(eventWith('flow_completed'), { ctx: { test: true } });
      expect(checked(name, contract, rendered)).toEqual([name, []]);
      expect(rendered.body).toMatch(t.signed ? /"test":true/ : /\[TEST\]/);
    });

    it('links to the chatflow and the delivery log when URLs are configured', () => {
      if (t.signed) return; // the event as it is: no links added
      const rendered = render(eventWith('error_occurred'));
      expect(rendered.body).toContain(`${CTX.appUrl}/canvas/3f1c2a9e-4b6d-4e8f-9a7b-2c1d0e9f8a7b`);
      expect(rendered.body).toContain(`${CTX.publicUrl}/#/webhooks/wh_123`);
    });
  });
}

/** Each event type rendered by default, as a Send Test, and at ingest's largest, by the default template and by the flood one. */
export function describeVendorRules(name: string, target: Target): void {
  const { contract } = target;
  const renderings = EVENT_TYPES_LIST.flatMap((type) => [
    [type, 'default', () => renderTarget(target, eventWith(type))] as const,
    [type, 'Send Test', () => renderTarget(target, eventWith(type, { id: `test_${type}` }), { ctx: { ...CTX, test: true } })] as const,
    [type, 'oversized', () => renderTarget(target, oversized(type))] as const,
    [type, 'oversized, custom template', () => renderTarget(target, oversized(type), { template: contract.flood })] as const,
  ]);
  it.each(renderings)(`${name} / %s (%s) keeps every rule of its vendor`, (_type, _kind, renderIt) => {
    const rendered = renderIt();
    expect(rendered.templateError).toBeUndefined();
    expect(checked(name, contract, rendered)).toEqual([name, []]);
  });
}

// ---- templates ----

export function describeTemplates(name: string, target: Target): void {
  const { transformer: t, contract } = target;
  const check = (template: string) => t.checkTemplate?.(template, t.parseConfig(contract.settings));

  function refusal(template: string): TransformerError {
    try {
      check(template);
    } catch (err) {
      expect(err).toBeInstanceOf(TransformerError);
      return err as TransformerError;
    }
    throw new Error(`${name} accepted ${JSON.stringify(template)}`);
  }

  describe(`${name} templates at save`, () => {
    it('refuses an unclosed block, naming where it opens', () => {
      const error = refusal('Status:\n  {{#if}}\nmore');
      expect(error).toMatchObject({ code: 'invalid_template', field: 'template' });
      expect(error.message).toContain('line 2, column 3');
      expect(error.message).toContain('{{#if}} is never closed');
    });

    it('refuses a misspelt field under strict mode, with line and column', () => {
      expect(refusal('{"a": 1}\n{{nosuchfield}}').message).toMatch(/^line 2, column 3: "nosuchfield" is not a field/);
    });

    it('refuses a field missing from one of the five samples, naming the sample', () => {
      const error = refusal('{{error.message}}');
      expect(error.message).toContain('"message"');
      expect(error.message).toMatch(/rendering the (flow_completed|agent_executed|dataset_updated|evaluation_completed) sample/);
    });

    it('refuses a helper called wrongly', () => {
      expect(refusal('{{truncate output}}').message).toContain('truncate needs');
    });

    it('refuses a syntax error with its line', () => {
      expect(refusal('ok\nok {{foo bar=}}').message).toMatch(/^line 2, column \d+: syntax error/);
    });

    it('accepts its contract\'s template, which uses its escaping helpers', () => {
      expect(() => check(contract.validTemplate)).not.toThrow();
      for (const helper of t.helpers ?? []) expect([helper.name, `${contract.validTemplate} ${contract.flood}`.includes(helper.name)]).toEqual([helper.name, true]);
    });
  });

  if (t.signed) return; // the plain receiver's fallback is the event itself (templates.test.ts)
  it(`${name} at delivery: a template a real event breaks falls back to the default message, and says why`, () => {
    // Every sample has `user`; a real event may not. Strict mode makes that an error, not a blank.
    const template = 'By {{user}}';
    const withoutUser = (): ForjinnEvent => {
      const event = eventWith('error_occurred');
      delete event.user;
      return event;
    };
    expect(() => check(template)).not.toThrow();
    const rendered = renderTarget(target, withoutUser(), { template });
    expect(rendered.templateError).toMatch(/line 1, column 6: "user" is not a field/);
    expect(rendered.body).toBe(renderTarget(target, withoutUser()).body);
    expect(renderTarget(target, eventWith('error_occurred'), { template }).body).toContain('By alice@company.com');
  });
}

// ---- answers ----

/** Answers that repeat every secret, the way a careless proxy or a vendor's error might. */
export const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const ANSWER_SECRETS = [...SECRETS, WEBHOOK_SECRET];
const ECHO_TEXT = `invalid request ${ANSWER_SECRETS.join(' ')} Authorization: Bearer ${BOT_TOKEN}`;
const ECHO_JSON = JSON.stringify({ message: ECHO_TEXT, code: 50035, error: { code: ECHO_TEXT, status: ECHO_TEXT, message: ECHO_TEXT }, errors: [ECHO_TEXT] });
export { ECHO_TEXT };

// A Retry-After two minutes ahead, as an HTTP date (whole seconds).
const soon = () => new Date(Date.now() + 120_000).toUTCString();

interface Case {
  label: string;
  status: (typeof MATRIX_STATUSES)[number];
  headers?: Record<string, string>;
  /** The wait expected from Retry-After ([min, max] ms); none: no wait set. */
  wait?: [number, number];
}

/** The answers of the matrix: every status of MATRIX_STATUSES, 429 and 503 with each kind of Retry-After. */
export const MATRIX: Case[] = [
  ...MATRIX_STATUSES.filter((s) => s !== 503).map((status): Case => ({
    label: String(status) + (status === 429 ? ' without Retry-After' : ''),
    status,
    ...(status === 301 || status === 302 ? { headers: { location: 'https://elsewhere.example/' } } : {}),
  })),
  { label: '429, Retry-After in seconds', status: 429, headers: { 'Retry-After': '7' }, wait: [7000, 7000] },
  { label: '429, Retry-After as an HTTP date', status: 429, headers: { 'retry-after': soon() }, wait: [100_000, 120_000] },
  { label: '429, Retry-After of days', status: 429, headers: { 'retry-after': '999999' }, wait: [3_600_000, 3_600_000] },
  { label: '503, Retry-After in seconds', status: 503, headers: { 'retry-after': '7' }, wait: [7000, 7000] },
];

export function expectNoSecret(verdict: Verdict, secrets: readonly string[] = ANSWER_SECRETS): void {
  if (verdict.outcome === 'success') return;
  expect(verdict.reason.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(verdict.reason).not.toContain(secret);
  expect(verdict.reason).not.toMatch(/xox[bp]-|sig=[^[]|token=[^[]|key=[^[]|Bearer [^[]/);
}

/** The target's column of the status matrix, through the one retry policy the engine uses; no reason holds a secret. */
export function describeAnswers(name: string, { transformer: t, contract }: Target): void {
  const response = (c: Case, body: string): SendResult => ({ kind: 'response', status: c.status, headers: c.headers ?? {}, body, durationMs: 1 });
  const secrets = [...ANSWER_SECRETS, ...contract.secrets];

  it(`${name}: its column gives every status of the matrix an outcome`, () => {
    expect(Object.keys(contract.answers).map(Number).sort((a, b) => a - b)).toEqual([...MATRIX_STATUSES]);
    expect(t.answers).toEqual(expect.objectContaining({ status: expect.any(Object) }));
  });

  it.each(MATRIX.map((c) => [c.label, c] as const))(`${name}: %s`, (_label, c) => {
    for (const body of c.status >= 200 && c.status < 300 ? ['', 'ok', '{"status":"success"}'] : ['', ECHO_TEXT, ECHO_JSON]) {
      const verdict = classify(response(c, body), t.answers);
      expect([c.label, body.slice(0, 20), verdict.outcome]).toEqual([c.label, body.slice(0, 20), contract.answers[c.status]]);
      const waited = verdict.outcome === 'retry' ? verdict.retryAfterMs : undefined;
      if (c.wait) {
        expect(waited).toBeGreaterThanOrEqual(c.wait[0]);
        expect(waited).toBeLessThanOrEqual(c.wait[1]);
      } else expect(waited).toBeUndefined();
      expectNoSecret(verdict, secrets);
    }
  });
}

/** The whole unit-level contract of one target. */
export function describeTarget(name: string, target: Target): void {
  describeDeclarations(name, target);
  describeSettings(name, target);
  describeRendering(name, target);
  describeVendorRules(name, target);
  describeTemplates(name, target);
  describeAnswers(name, target);
}
