// The pieces of the add/edit form: labelled fields with a place for their error, the event
// checkboxes, a transformer's settings, filters, and putting the API's field errors next to
// the fields they name.
import type { FieldIssue } from './api.js';
import { h, replace, uid, type Attrs } from './dom.js';
import { EVENT_LABELS, EVENT_TYPES, type ConfigField, type Filters } from './types.js';
import { HIDDEN } from '../../../core/reveal.js';

/** A label, a control, optional help, and the error slot for the API field `field`. */
export function field(label: string, control: HTMLElement, opts: { field: string; help?: string | Node; id?: string }): HTMLElement {
  const id = control.id || (control.id = opts.id ?? uid('f'));
  const errId = `${id}-error`;
  const helpId = `${id}-help`;
  control.setAttribute('aria-describedby', [opts.help ? helpId : '', errId].filter(Boolean).join(' '));
  return h(
    'div',
    { class: 'field', 'data-field': opts.field },
    h('label', { for: id }, label),
    control,
    h('p', { class: 'field-error', id: errId }),
    opts.help ? h('p', { class: 'help', id: helpId }, opts.help) : null,
  );
}

export function input(attrs: Attrs): HTMLInputElement {
  return h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });
}

/** "All events" or a checkbox per type; choosing all disables the single types. */
export function eventsFieldset(selected: string[]): { el: HTMLElement; value: () => string[] } {
  const all = h('input', { type: 'checkbox', id: 'events-all', value: '*', checked: selected.includes('*') });
  const boxes = EVENT_TYPES.map((e) => h('input', { type: 'checkbox', id: `events-${e}`, value: e, checked: selected.includes(e) }));
  const sync = () => boxes.forEach((b) => (b.disabled = all.checked));
  all.addEventListener('change', sync);
  sync();
  const el = h(
    'fieldset',
    { class: 'field events', 'data-field': 'events', 'aria-describedby': 'events-error' },
    h('legend', {}, 'Events'),
    h('div', { class: 'check' }, all, h('label', { for: 'events-all' }, 'All events, including types added later')),
    h('div', { class: 'check-grid' }, boxes.map((b, i) => h('div', { class: 'check' }, b, h('label', { for: b.id }, EVENT_LABELS[EVENT_TYPES[i]])))),
    h('p', { class: 'field-error', id: 'events-error' }),
  );
  return { el, value: () => (all.checked ? ['*'] : boxes.filter((b) => b.checked).map((b) => b.value)) };
}

/** A transformer's settings as form controls; a secret value already saved shows as hidden. */
export function configFields(fields: ConfigField[], values: Record<string, unknown>): { el: HTMLElement; value: () => Record<string, unknown> } {
  if (!fields.length) return { el: h('div', { hidden: true }), value: () => ({}) };
  const readers: Array<() => [string, unknown] | undefined> = [];
  const controls = fields.map((f) => {
    const id = `config-${f.name}`;
    const current = values[f.name];
    let control: HTMLElement;
    if (f.type === 'string') {
      const saved = f.secret && current === HIDDEN;
      const el = input({ id, type: f.secret ? 'password' : 'text', value: saved ? '' : String(current ?? ''), placeholder: saved ? 'saved (hidden); type to replace it' : null, required: f.required });
      readers.push(() => (el.value.trim() ? [f.name, el.value.trim()] : saved ? [f.name, HIDDEN] : undefined));
      control = el;
    } else {
      // Booleans are a select too, so "not set" (the transformer's default) stays possible.
      const options = f.type === 'boolean' ? [['', 'Default'], ['true', 'Yes'], ['false', 'No']] : [['', 'Default'], ...(f.options ?? []).map((o) => [o, o])];
      const now = current === undefined || current === null ? '' : String(current);
      const el = h('select', { id }, options.map(([v, t]) => h('option', { value: v, selected: v === now }, t)));
      readers.push(() => (el.value === '' ? undefined : [f.name, f.type === 'boolean' ? el.value === 'true' : el.value]));
      control = el;
    }
    return field(`${f.label}${f.required ? '' : ' (optional)'}`, control, { field: `transformerConfig.${f.name}`, help: f.help, id });
  });
  return {
    el: h('fieldset', { class: 'group' }, h('legend', {}, 'Format settings'), controls),
    value: () => Object.fromEntries(readers.map((r) => r()).filter((e): e is [string, unknown] => e !== undefined)),
  };
}

const FILTERS: Array<[keyof Filters, string]> = [
  ['chatflowIds', 'Chatflow ids'],
  ['agentIds', 'Agent ids'],
  ['datasetIds', 'Dataset ids'],
];

/** Only events about these ids are delivered; an empty list lets every id through. */
export function filtersFieldset(filters: Filters): { el: HTMLElement; value: () => Filters } {
  const inputs = FILTERS.map(([k]) => input({ id: `filter-${k}`, value: (filters[k] ?? []).join(', '), placeholder: 'any' }));
  const el = h(
    'fieldset',
    { class: 'group' },
    h('legend', {}, 'Filters (optional)'),
    h('p', { class: 'help' }, 'Deliver only events about these ids (comma-separated). Empty: every id.'),
    h('div', { class: 'grid-3' }, FILTERS.map(([k, label], i) => field(label, inputs[i], { field: `filters.${k}` }))),
  );
  const split = (s: string) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
  return {
    el,
    value: () => Object.fromEntries(FILTERS.map(([k], i) => [k, split(inputs[i].value)]).filter(([, v]) => v.length)) as Filters,
  };
}

/**
 * Shows each API field error next to the field it names (the longest matching data-field, so
 * "filters.chatflowIds.0" lands on the chatflow ids); returns the issues no field claimed.
 */
export function showFieldErrors(form: HTMLElement, issues: FieldIssue[]): FieldIssue[] {
  clearFieldErrors(form);
  const fields = [...form.querySelectorAll<HTMLElement>('[data-field]')];
  const unclaimed: FieldIssue[] = [];
  let first: HTMLElement | undefined;
  for (const issue of issues) {
    const target = fields
      .filter((f) => issue.field === f.dataset.field || issue.field.startsWith(`${f.dataset.field}.`))
      .sort((a, b) => (b.dataset.field ?? '').length - (a.dataset.field ?? '').length)[0];
    const slot = target?.querySelector<HTMLElement>('.field-error');
    if (!target || !slot) {
      unclaimed.push(issue);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent} ${issue.message}` : issue.message;
    target.classList.add('has-error');
    const control = target.querySelector<HTMLElement>('input:not([disabled]), select, textarea');
    control?.setAttribute('aria-invalid', 'true');
    first ??= control ?? undefined;
  }
  first?.focus();
  return unclaimed;
}

export function clearFieldErrors(form: HTMLElement) {
  for (const el of form.querySelectorAll<HTMLElement>('.has-error')) el.classList.remove('has-error');
  for (const el of form.querySelectorAll<HTMLElement>('.field-error')) replace(el);
  for (const el of form.querySelectorAll<HTMLElement>('[aria-invalid]')) el.removeAttribute('aria-invalid');
}
