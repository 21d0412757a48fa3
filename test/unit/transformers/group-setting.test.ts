// `transformerConfig.group` (grouped chat alerts, issue 14 item 1): parsed beside the target's own
// settings, refused with the field named, on a target that does not group (the signed receiver,
// PagerDuty) refused unless false.
import { describe, expect, test } from '@jest/globals';
import { getTransformer, parseTargetConfig, TRANSFORMER_NAMES } from '../../../src/services/transformers/index.js';
import { DEFAULT_GROUP_BY, parseGroup } from '../../../src/services/transformers/shared/group.js';
import { TransformerError, type Transformer } from '../../../src/services/transformers/types.js';

/** A target that groups, as a chat target declares it. */
const chat = { name: 'chat', grouping: {} } as Pick<Transformer, 'name' | 'grouping'>;

function refusal(f: () => unknown): { field?: string; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TransformerError);
    return { field: (e as TransformerError).field, message: (e as Error).message };
  }
  throw new Error('not refused');
}

describe('transformerConfig.group', () => {
  test('given settings and the defaults', () => {
    expect(parseGroup(chat, { by: ['event', 'chatflowId'], wait: '2s', interval: '5s', close: '1h' })).toEqual({ by: ['event', 'chatflowId'], waitMs: 2_000, intervalMs: 5_000, closeMs: 3_600_000 });
    expect(parseGroup(chat, {})).toEqual({ by: DEFAULT_GROUP_BY, waitMs: 30_000, intervalMs: 60_000, closeMs: 600_000 });
    expect(parseGroup(chat, true)).toEqual(parseGroup(chat, {}));
    expect(parseGroup(chat, false)).toBeNull();
  });

  test('bad input is refused naming the field', () => {
    expect(refusal(() => parseGroup(chat, { wait: 'soon' })).field).toBe('group.wait');
    expect(refusal(() => parseGroup(chat, { wait: '30' }))).toEqual({ field: 'group.wait', message: expect.stringContaining('needs a unit') });
    expect(refusal(() => parseGroup(chat, { interval: '100ms' }))).toEqual({ field: 'group.interval', message: expect.stringContaining('between 1s and 1h') });
    expect(refusal(() => parseGroup(chat, { close: '2d' })).field).toBe('group.close');
    expect(refusal(() => parseGroup(chat, { by: [] })).field).toBe('group.by');
    expect(refusal(() => parseGroup(chat, { by: ['chatflowId', 'a b'] })).field).toBe('group.by.1');
    expect(refusal(() => parseGroup(chat, { every: '1m' })).field).toBe('group.every');
    expect(refusal(() => parseGroup(chat, '30s')).field).toBe('group');
  });

  test('targets that do not group refuse a group setting but take false', () => {
    const plain = TRANSFORMER_NAMES.filter((n) => !getTransformer(n)!.grouping);
    expect(plain).toEqual(expect.arrayContaining(['generic', 'pagerduty']));
    for (const name of plain) {
      const t = getTransformer(name)!;
      expect(refusal(() => parseGroup(t, { wait: '30s' })).field).toBe('group');
      expect(parseGroup(t, false)).toBeNull();
    }
  });

  test("the target's own settings are parsed without group", () => {
    const pagerduty = getTransformer('pagerduty')!;
    const routingKey = 'R0123456789abcdef0123456789abcde';
    expect(parseTargetConfig(pagerduty, { routingKey, group: false })).toEqual({ config: pagerduty.parseConfig({ routingKey }), group: null });
  });
});
