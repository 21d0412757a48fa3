// "Start from the built-in template" gives each event type its built-in template to edit; saved
// unchanged, each must pass the save-time check (strict: a field the event lacks is an error)
// against its own event's sample, or the page's first save is a 400 on a template nobody wrote.
import { describe, expect, test } from '@jest/globals';
import { defaultTemplateSource, TRANSFORMERS } from '../../../src/services/transformers/index.js';
import { EVENT_TYPES } from '../../../src/services/transformers/types.js';

const CONFIG: Record<string, unknown> = { pagerduty: { routingKey: 'R0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5' } };

describe.each(Object.values(TRANSFORMERS).map((t) => [t.name, t] as const))('%s', (name, t) => {
  test.each([...EVENT_TYPES])('the built-in %s template passes the save-time check against its sample', (type) => {
    const config = t.parseConfig(CONFIG[name] ?? {});
    expect(() => t.checkTemplate?.(defaultTemplateSource(name, type), config, [type])).not.toThrow();
  });
});
