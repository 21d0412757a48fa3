// Add and edit a webhook. Everything is checked by the API (the same rules as the CLI and the
// Slack command), and its field errors are shown next to the fields they name.
import { api, ApiFailure, describeError, loadTransformers } from './api.js';
import { h, notice, replace, toast } from './dom.js';
import { configFields, eventsFieldset, field, filtersFieldset, input, showFieldErrors, clearFieldErrors } from './form-fields.js';
import { previewPanel } from './form-preview.js';
import { groupFieldset } from './group-field.js';
import { templateEditor } from './template-editor.js';
import { headersFieldset, maxAttemptsField } from './headers-field.js';
import type { View } from './view.js';
import { deleteSection, rotateSection, secretOnce } from './secret-panel.js';
import { sendTestControl } from './send-test.js';
import type { TransformerInfo, Webhook } from './types.js';
import { showsFullUrl } from '../../../core/shown-url.js';

/** What the Format field says of each format: what is sent, and whether it is signed. */
function formatHelp(t: TransformerInfo | undefined): string {
  if (!t) return '';
  const what = t.description ?? `A ${t.label} message built from the event`;
  if (t.signed) return `${what} and signed with the webhook's secret (X-Forjinn-Signature, webhook-signature).`;
  return `${what}. Not signed: ${t.label} takes no signatures, so no signing secret is made; the URL${t.configFields.some((f) => f.secret) ? ' and the secret settings are' : ' is'} the credential.`;
}

/** The secret of a webhook just created, shown once by the edit view it lands on. */
let justCreated: { id: string; secret: string | null } | undefined;

export async function renderForm({ main, signal, params, refresh }: View) {
  const id = params[0];
  const [transformers, w] = await Promise.all([loadTransformers(), id ? api<Webhook>('GET', `/v1/webhooks/${id}`, undefined, { signal }) : undefined]);
  const created = justCreated?.id === id ? justCreated : undefined;
  justCreated = undefined;
  const byName = new Map(transformers.map((t) => [t.name, t]));
  // The API lists the default target first; a webhook's own target is signed as its transformer says.
  const defaultName = transformers[0]?.name;
  const signed = (name: string | undefined): boolean => (name !== undefined && byName.get(name)?.signed) === true;

  const transformer = h('select', { id: 'transformer' }, transformers.map((t) => h('option', { value: t.name, selected: t.name === (w?.transformer ?? defaultName) }, t.label)));
  const url = input({ id: 'url', type: 'url', inputmode: 'url', value: w?.url ?? '', placeholder: 'https://example.com/hooks/forjinn', required: true });
  const description = input({ id: 'description', value: w?.description ?? '', placeholder: 'What this endpoint is for', maxlength: 500 });
  const enabled = h('input', { type: 'checkbox', role: 'switch', id: 'enabled', checked: w?.enabled ?? true });
  const secret = input({ id: 'secret', type: 'password', placeholder: 'leave empty to generate one' });
  const events = eventsFieldset(w?.events ?? ['*']);
  const filters = filtersFieldset(w?.filters ?? {});
  const headers = headersFieldset(w?.headers ?? {});
  const maxAttempts = maxAttemptsField(w?.maxAttempts ?? null);
  const configSlot = h('div', {});
  const groupSlot = h('div', {});
  const formatHelpText = h('span', {});
  let config = configFields([], {});
  let group = groupFieldset(null, undefined);
  // The target's own settings and grouped alerts' `group`, as the API takes them.
  const settings = () => ({ ...config.value(), ...group.value() });

  // Read only when a preview runs, after `template` is made below.
  const readPreview = () => ({ transformer: transformer.value, transformerConfig: settings(), template: template.value() });
  const preview = previewPanel(readPreview, id, signal);
  const template = templateEditor(w?.template ?? null, { transformer: () => byName.get(transformer.value), events: events.value, onInput: preview.schedule, after: preview.el });
  const secretField = w ? null : field('Signing secret (optional)', secret, { field: 'secret', help: 'Empty: a strong secret is generated and shown once after saving. Your own: at least 16 characters.' });

  function onTransformer(first: boolean) {
    const t: TransformerInfo | undefined = byName.get(transformer.value);
    config = configFields(t?.configFields ?? [], first ? (w?.transformerConfig ?? {}) : {});
    replace(configSlot, config.el);
    config.el.addEventListener('input', preview.schedule);
    config.el.addEventListener('change', preview.schedule);
    // The webhook's own group setting while the format is its own; another format starts from its defaults.
    group = groupFieldset(t?.grouping ?? null, w && transformer.value === w.transformer ? (w.transformerConfig ?? {}) : undefined);
    replace(groupSlot, group.el);
    group.el.addEventListener('input', preview.schedule);
    group.el.addEventListener('change', preview.schedule);
    template.setHelp(t);
    replace(formatHelpText, formatHelp(t));
    // Only plain JSON deliveries are signed: a chat target gets no secret (the API makes none).
    if (secretField) secretField.hidden = t?.signed !== true;
    if (!first && t?.defaultUrl && !url.value) url.value = t.defaultUrl;
    url.placeholder = t?.defaultUrl ?? 'https://example.com/hooks/forjinn';
  }
  transformer.addEventListener('change', () => {
    onTransformer(false);
    preview.schedule();
  });
  onTransformer(true);

  const summary = h('div', { class: 'form-summary', tabindex: -1, role: 'alert' });
  const save = h('button', { type: 'submit' }, w ? 'Save changes' : 'Create webhook');
  const form = h(
    'form',
    { class: 'card webhook-form', novalidate: true, 'aria-labelledby': 'form-title' },
    w ? h('h2', {}, 'Settings') : null,
    summary,
    field('Format', transformer, { field: 'transformer', help: formatHelpText }),
    field('Endpoint URL', url, { field: 'url', help: w && !showsFullUrl(signed(w.transformer), 'workspace') ? 'Shown shortened because it carries credentials; type a new one to replace it.' : 'Where deliveries are POSTed.' }),
    field('Description (optional)', description, { field: 'description' }),
    events.el,
    h('div', { class: 'field switch', 'data-field': 'enabled' }, enabled, h('label', { for: 'enabled' }, 'Enabled: deliver events to it'), h('p', { class: 'field-error' })),
    secretField,
    configSlot,
    groupSlot,
    filters.el,
    h('fieldset', { class: 'group' }, h('legend', {}, 'Delivery (optional)'), maxAttempts.el, headers.el),
    template.el,
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
      transformerConfig: settings(),
      filters: filters.value(),
      template: template.value(),
      headers: headers.value(),
      maxAttempts: maxAttempts.value(),
    };
    // A chat target's URL is shown masked: sent back only when it was changed.
    if (!w || url.value !== w.url) body.url = url.value.trim();
    if (!w && secret.value && signed(transformer.value)) body.secret = secret.value;
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
    created ? createdPanel(created.secret, signed(w?.transformer ?? defaultName)) : null,
    w ? h('section', { class: 'card', 'aria-labelledby': 'test-title' }, h('h2', { id: 'test-title' }, 'Send a test'), h('p', { class: 'help' }, 'Sends a sample event through the same path as real deliveries and shows what was sent and answered.'), sendTestControl(w.id, w.events, { editable: true })) : null,
    form,
    // Chat and incident targets take no signatures: no secret to show or rotate.
    w && signed(w.transformer) ? rotateSection(w, () => toast('Secret rotated.')) : null,
    w ? deleteSection(w) : null,
  );
  void preview.run();
}

function createdPanel(secret: string | null, signed: boolean): HTMLElement {
  const next = h('p', {}, 'Next: send a test below to check that your endpoint answers.');
  if (secret) return h('div', {}, notice('info', 'Webhook created.', next), secretOnce(secret, 'Your signing secret'));
  return signed ? notice('info', 'Webhook created (unsigned).', next) : notice('info', 'Webhook created.', next);
}
