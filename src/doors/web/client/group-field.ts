// Grouped alerts' setting in the webhook form (transformerConfig.group, docs/transformers.md):
// on or off, and the group key's fields, wait, interval and close; empty fields take the
// defaults, shown as placeholders. Only for a format whose registry entry groups.
import { h } from './dom.js';
import { field, input } from './form-fields.js';
import type { TransformerInfo } from './types.js';

type Grouping = NonNullable<TransformerInfo['grouping']>;
const DURATIONS = [
  ['wait', 'Wait before the first message', 'how long events are gathered before the group\'s message goes out'],
  ['interval', 'Update at most every', 'one edit or digest per group this often'],
  ['close', 'Close after quiet', 'a group quiet this long is closed: the next event starts a new message'],
] as const;

/** The group field of a format; `saved` is the webhook's own settings when it is of this format. */
export function groupFieldset(grouping: TransformerInfo['grouping'], saved: Record<string, unknown> | undefined): { el: HTMLElement; value: () => Record<string, unknown> } {
  if (!grouping) return { el: h('div', { hidden: true }), value: () => ({}) };
  const had = saved !== undefined && Object.hasOwn(saved, 'group');
  const raw = saved?.group;
  const given = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const on = h('input', { type: 'checkbox', role: 'switch', id: 'group-on', checked: had ? raw !== false && raw !== null : grouping.byDefault });
  const by = input({ id: 'group-by', value: Array.isArray(given.by) ? given.by.join(', ') : '', placeholder: grouping.by.join(', ') });
  const durations = DURATIONS.map(([name]) => input({ id: `group-${name}`, value: typeof given[name] === 'string' ? given[name] : '', placeholder: (grouping as Grouping)[name] }));
  const inputs = [by, ...durations];
  const sync = () => inputs.forEach((i) => (i.disabled = !on.checked));
  on.addEventListener('change', sync);
  sync();
  const el = h(
    'fieldset',
    { class: 'group' },
    h('legend', {}, 'Grouped alerts'),
    h('div', { class: 'field switch', 'data-field': 'transformerConfig.group' }, on, h('label', { for: 'group-on' }, 'Group alerts: one message per group of like events, kept up to date'), h('p', { class: 'field-error' })),
    field('Group by (optional)', by, { field: 'transformerConfig.group.by', help: 'Event fields, comma-separated: events with the same values are one group.' }),
    h('div', { class: 'grid-3' }, DURATIONS.map(([name, label, help], i) => field(`${label} (optional)`, durations[i], { field: `transformerConfig.group.${name}`, help: `${help}, e.g. 30s, 1m, 10m` }))),
  );
  const split = (s: string) => s.split(/[\s,]+/).filter(Boolean);
  return {
    el,
    value() {
      // Left as a webhook without the setting has it: not written (the default applies).
      if (!had && on.checked === grouping.byDefault && inputs.every((i) => !i.value.trim())) return {};
      if (!on.checked) return { group: false };
      const group: Record<string, unknown> = {};
      if (split(by.value).length) group.by = split(by.value);
      DURATIONS.forEach(([name], i) => {
        if (durations[i].value.trim()) group[name] = durations[i].value.trim();
      });
      return { group };
    },
  };
}
