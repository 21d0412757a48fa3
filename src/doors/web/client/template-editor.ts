// The message template of the form: one template for every event type, or one per event type
// (the API's `template` as a string or as `{ "<event_type>": "<template>" }`). "Start from the
// built-in template" gives each subscribed type its own built-in template to edit, so an "All
// events" webhook keeps an error message for errors; a type left without one gets the built-in.
import { h, replace } from './dom.js';
import { field } from './form-fields.js';
import { EVENT_LABELS, EVENT_TYPES, type EventType, type TransformerInfo, type Webhook } from './types.js';

type Setting = Webhook['template'];

export interface TemplateEditor {
  el: HTMLElement;
  /** What the API is sent: a string, a map of the types with a template, or null. */
  value: () => Setting;
  /** The help under the template, per format. */
  setHelp: (t: TransformerInfo | undefined) => void;
}

/** The format's template help describes every template field too. */
function described(f: HTMLElement, area: HTMLElement): HTMLElement {
  area.setAttribute('aria-describedby', `template-help ${area.id}-error`);
  return f;
}

const ONE_HELP = 'Handlebars source; the event is the context, e.g. {{event}} or {{output}}.';

export function templateEditor(
  initial: Setting,
  opts: { transformer: () => TransformerInfo | undefined; events: () => string[]; onInput: () => void; after?: HTMLElement },
): TemplateEditor {
  const slot = h('div', {});
  const help = h('p', { class: 'help', id: 'template-help' });
  let read: () => Setting = () => null;

  function showOne(source: string) {
    const area = h('textarea', { id: 'template', rows: 8, spellcheck: 'false', class: 'mono', placeholder: "Empty: the format's built-in message" }, source);
    area.addEventListener('input', opts.onInput);
    read = () => (area.value.trim() ? area.value : null);
    replace(slot, described(field('Custom template', area, { field: 'template' }), area));
  }

  function showPerEvent(sources: Partial<Record<EventType, string>>) {
    const types = EVENT_TYPES.filter((t) => t in sources);
    const areas = types.map((t) => {
      const area = h('textarea', { id: `template-${t}`, rows: 8, spellcheck: 'false', class: 'mono', placeholder: 'Empty: the built-in message' }, sources[t] ?? '');
      area.addEventListener('input', opts.onInput);
      return area;
    });
    read = () => {
      const map = Object.fromEntries(types.map((t, i) => [t, areas[i].value]).filter(([, v]) => v.trim()));
      return Object.keys(map).length ? map : null;
    };
    const single = h('button', { type: 'button', class: 'secondary small' }, 'Use one template for every event');
    single.addEventListener('click', () => {
      showOne('');
      opts.onInput();
      document.getElementById('template')?.focus();
    });
    replace(
      slot,
      h('p', { class: 'help' }, 'One template per event type; a type without one (or subscribed later) gets the built-in message.'),
      types.map((t, i) => described(field(`Template for ${EVENT_LABELS[t]}`, areas[i], { field: `template.${t}` }), areas[i])),
      single,
    );
  }

  const useDefault = h('button', { type: 'button', class: 'secondary small' }, 'Start from the built-in template');
  useDefault.addEventListener('click', () => {
    const t = opts.transformer();
    const events = opts.events();
    const types = events.includes('*') || !events.length ? [...EVENT_TYPES] : EVENT_TYPES.filter((e) => events.includes(e));
    showPerEvent(Object.fromEntries(types.map((e) => [e, t?.defaultTemplates[e] ?? ''])));
    opts.onInput();
    document.getElementById(`template-${types[0]}`)?.focus();
  });

  if (initial && typeof initial === 'object') showPerEvent(initial as Partial<Record<EventType, string>>);
  else showOne(initial ?? '');

  return {
    el: h('fieldset', { class: 'group' }, h('legend', {}, 'Message template (optional)'), help, slot, useDefault, opts.after),
    value: () => read(),
    setHelp(t) {
      replace(help, t?.templateHelp ?? ONE_HELP);
      useDefault.hidden = !t?.defaultTemplates.flow_completed;
    },
  };
}
