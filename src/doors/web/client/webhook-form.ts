// Add and edit a webhook. Everything is checked by the API (the same rules as the CLI and the
// Slack command), and its field errors are shown next to the fields they name.
import { api, ApiFailure, describeError, loadTransformers } from './api.js';
import { h, notice, replace, toast } from './dom.js';
import { configFields, eventsFieldset, field, filtersFieldset, input, showFieldErrors, clearFieldErrors } from './form-fields.js';
import { previewPanel } from './form-preview.js';
import type { View } from './view.js';
import { deleteSection, rotateSection, secretOnce } from './secret-panel.js';
import { sendTestControl } from './send-test.js';
import type { TransformerInfo, Webhook } from './types.js';
import { showsFullUrl } from '../../../services/webhooks/shown-url.js';

const EVENTS_FIRST = 'flow_completed';

/** The secret of a webhook just created, shown once by the edit view it lands on. */
let justCreated: { id: string; secret: string | null } | undefined;

export async function renderForm({ main, signal, params, refresh }: View) {
  const id = params[0];
  const [transformers, w] = await Promise.all([loadTransformers(), id ? api<Webhook>('GET', `/v1/webhooks/${id}`, undefined, { signal }) : undefined]);
  const created = justCreated?.id === id ? justCreated : undefined;
  justCreated = undefined;
  const byName = new Map(transformers.map((t) => [t.name, t]));

  const transformer = h('select', { id: 'transformer' }, transformers.map((t) => h('option', { value: t.name, selected: t.name === (w?.transformer ?? 'generic') }, t.label)));
  const url = input({ id: 'url', type: 'url', inputmode: 'url', value: w?.url ?? '', placeholder: 'https://example.com/hooks/forjinn', required: true });
  const description = input({ id: 'description', value: w?.description ?? '', placeholder: 'What this endpoint is for', maxlength: 500 });
  const enabled = h('input', { type: 'checkbox', role: 'switch', id: 'enabled', checked: w?.enabled ?? true });
  const secret = input({ id: 'secret', type: 'password', placeholder: 'leave empty to generate one' });
  const events = eventsFieldset(w?.events ?? ['*']);
  const filters = filtersFieldset(w?.filters ?? {});
  const template = h('textarea', { id: 'template', rows: 8, spellcheck: 'false', class: 'mono', placeholder: 'Empty: the format\'s built-in message' }, w?.template ?? '');
  const templateHelp = h('span', {});
  const configSlot = h('div', {});
  let config = configFields([], {});

  const readPreview = () => ({ transformer: transformer.value, transformerConfig: config.value(), template: template.value.trim() ? template.value : null });
  const preview = previewPanel(readPreview, id, signal);
  const useDefault = h('button', { type: 'button', class: 'secondary small' }, 'Start from the built-in template');
  useDefault.addEventListener('click', () => {
    const source = byName.get(transformer.value)?.defaultTemplates[(document.getElementById('preview-event') as HTMLSelectElement).value];
    template.value = source ?? '';
    void preview.run();
    template.focus();
  });

  function onTransformer(first: boolean) {
    const t: TransformerInfo | undefined = byName.get(transformer.value);
    config = configFields(t?.configFields ?? [], first ? (w?.transformerConfig ?? {}) : {});
    replace(configSlot, config.el);
    config.el.addEventListener('input', preview.schedule);
    config.el.addEventListener('change', preview.schedule);
    replace(templateHelp, t?.templateHelp ?? 'Handlebars source; the event is the context, e.g. {{event}} or {{output}}.');
    useDefault.hidden = !t?.defaultTemplates[EVENTS_FIRST];
    if (!first && t?.defaultUrl && !url.value) url.value = t.defaultUrl;
    url.placeholder = t?.defaultUrl ?? 'https://example.com/hooks/forjinn';
  }
  transformer.addEventListener('change', () => {
    onTransformer(false);
    preview.schedule();
  });
  template.addEventListener('input', preview.schedule);
  onTransformer(true);

  const summary = h('div', { class: 'form-summary', tabindex: -1, role: 'alert' });
  const save = h('button', { type: 'submit' }, w ? 'Save changes' : 'Create webhook');
  const form = h(
    'form',
    { class: 'card webhook-form', novalidate: true, 'aria-labelledby': 'form-title' },
    w ? h('h2', {}, 'Settings') : null,
    summary,
    field('Format', transformer, { field: 'transformer', help: 'Plain signed JSON to any endpoint, or a message for a chat or incident tool.' }),
    field('Endpoint URL', url, { field: 'url', help: w && !showsFullUrl(w.transformer, 'workspace') ? 'Shown shortened because it carries credentials; type a new one to replace it.' : 'Where deliveries are POSTed.' }),
    field('Description (optional)', description, { field: 'description' }),
    events.el,
    h('div', { class: 'field switch', 'data-field': 'enabled' }, enabled, h('label', { for: 'enabled' }, 'Enabled: deliver events to it'), h('p', { class: 'field-error' })),
    w ? null : field('Signing secret (optional)', secret, { field: 'secret', help: 'Empty: a strong secret is generated and shown once after saving. Your own: at least 16 characters.' }),
    configSlot,
    filters.el,
    h(
      'fieldset',
      { class: 'group' },
      h('legend', {}, 'Message template (optional)'),
      field('Custom template', template, { field: 'template', help: templateHelp }),
      useDefault,
      preview.el,
    ),
    h('div', { class: 'actions' }, save, h('a', { class: 'button secondary', href: '#/webhooks' }, 'Cancel')),
  );

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    replace(summary);
    save.disabled = true;
    const body: Record<string, unknown> = {
      transformer: transformer.value,
      events: events.value(),
      enabled: enabled.checked,
      description: description.value.trim() || null,
      transformerConfig: config.value(),
      filters: filters.value(),
      template: template.value.trim() ? template.value : null,
    };
    // A chat target's URL is shown masked: sent back only when it was changed.
    if (!w || url.value !== w.url) body.url = url.value.trim();
    if (!w && secret.value) body.secret = secret.value;
    try {
      if (w) {
        await api<Webhook>('PATCH', `/v1/webhooks/${w.id}`, body);
        toast('Saved.');
        refresh();
      } else {
        const r = await api<Webhook & { secret: string | null }>('POST', '/v1/webhooks', body);
        justCreated = { id: r.id, secret: r.secret };
        location.hash = `#/webhooks/${r.id}`;
      }
    } catch (err) {
      const rest = err instanceof ApiFailure ? showFieldErrors(form, err.issues) : [];
      const general = !(err instanceof ApiFailure) || !err.issues.length || rest.length;
      if (general) {
        replace(summary, h('p', {}, `Not saved: ${rest.length ? rest.map((i) => `${i.field}: ${i.message}`).join('; ') : describeError(err)}`));
        summary.focus();
      }
    } finally {
      save.disabled = false;
    }
  });

  const title = w ? 'Edit webhook' : 'Add webhook';
  replace(
    main,
    h('p', { class: 'back' }, h('a', { href: '#/webhooks' }, '← Webhooks')),
    h('div', { class: 'page-head' }, h('h1', { id: 'form-title', tabindex: -1 }, title), w ? h('a', { class: 'button secondary', href: `#/webhooks/${w.id}/log` }, 'Request log') : null),
    created ? createdPanel(created.secret) : null,
    w ? h('section', { class: 'card', 'aria-labelledby': 'test-title' }, h('h2', { id: 'test-title' }, 'Send a test'), h('p', { class: 'help' }, 'Sends a sample event through the same path as real deliveries and shows what was sent and answered.'), sendTestControl(w.id, w.events)) : null,
    form,
    w ? rotateSection(w, () => toast('Secret rotated.')) : null,
    w ? deleteSection(w) : null,
  );
  void preview.run();
}

function createdPanel(secret: string | null): HTMLElement {
  return secret
    ? h('div', {}, notice('info', 'Webhook created.', h('p', {}, 'Next: send a test below to check that your endpoint answers.')), secretOnce(secret, 'Your signing secret'))
    : notice('info', 'Webhook created (unsigned).', h('p', {}, 'Next: send a test below to check that your endpoint answers.'));
}
