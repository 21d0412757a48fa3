// Custom headers (name/value rows) and max attempts, as the API takes them. A saved header's
// value is never given out: it shows as the hidden marker, and sent back unchanged the API
// keeps the stored value (docs/api.md); typing a new value replaces it.
import { h } from './dom.js';
import { field, input } from './form-fields.js';
import { HIDDEN } from '../../../core/reveal.js';

export function headersFieldset(saved: Record<string, string>): { el: HTMLElement; value: () => Record<string, string> } {
  const rows = h('div', { class: 'header-rows' });
  let n = 0;
  function addRow(name = '', value = '') {
    const i = ++n;
    const nameInput = input({ id: `header-name-${i}`, value: name, placeholder: 'X-Api-Key', 'aria-label': `Header ${i} name`, class: 'header-name' });
    const valueInput = input({ id: `header-value-${i}`, value, placeholder: value === HIDDEN ? null : 'value', 'aria-label': `Header ${i} value`, class: 'header-value' });
    const remove = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove header ${i}` }, 'Remove');
    const row = h('div', { class: 'header-row inline-controls' }, nameInput, valueInput, remove);
    remove.addEventListener('click', () => {
      row.remove();
      add.focus();
    });
    rows.appendChild(row);
    return nameInput;
  }
  const add = h('button', { type: 'button', class: 'secondary small' }, 'Add header');
  add.addEventListener('click', () => addRow().focus());
  for (const name of Object.keys(saved)) addRow(name, HIDDEN);
  const el = h(
    'fieldset',
    { class: 'group field', 'data-field': 'headers' },
    h('legend', {}, 'Custom headers (optional)'),
    h('p', { class: 'help' }, `Sent with every delivery, e.g. an API key your endpoint checks. Saved values show as ${HIDDEN} and are kept unless you type a new one.`),
    rows,
    h('p', { class: 'field-error', id: 'headers-error' }),
    add,
  );
  return {
    el,
    value: () =>
      Object.fromEntries(
        [...rows.querySelectorAll<HTMLElement>('.header-row')]
          .map((r) => [r.querySelector<HTMLInputElement>('.header-name')!.value.trim(), r.querySelector<HTMLInputElement>('.header-value')!.value] as const)
          .filter(([k]) => k),
      ),
  };
}

/** Empty: the service's retry schedule decides (FORJINN_RETRY_DELAYS: 6 attempts by default). */
export function maxAttemptsField(saved: number | null): { el: HTMLElement; value: () => number | null } {
  const el = input({ id: 'max-attempts', type: 'number', inputmode: 'numeric', min: 1, max: 50, step: 1, value: saved ?? '', placeholder: 'default' });
  return {
    el: field('Max attempts (optional)', el, { field: 'maxAttempts', help: 'Tries per delivery before it is marked failed, 1 to 50. Empty: as the retry schedule says (6 by default).' }),
    value: () => (el.value.trim() === '' ? null : Number(el.value)),
  };
}
