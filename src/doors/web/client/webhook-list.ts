// The webhooks of the workspace, one card each: where they deliver, what, in which format,
// an enabled switch that works in place, health at a glance, and Send Test.
import { api, describeError, loadTransformers } from './api.js';
import { badge, h, notice, percent, replace, time, toast } from './dom.js';
import type { View } from './view.js';
import { sendTestControl } from './send-test.js';
import { EVENT_LABELS, type EventType, type Health, type TransformerInfo, type Webhook } from './types.js';

export function eventsText(events: string[]): string {
  return events.includes('*') ? 'All events' : events.map((e) => EVENT_LABELS[e as EventType] ?? e).join(', ');
}

/** The chat and incident services, as the API lists them (the registry's unsigned targets): "Slack, … or Google Chat". */
function services(transformers: TransformerInfo[]): string {
  const labels = transformers.filter((t) => !t.signed).map((t) => t.label);
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}` : (labels[0] ?? 'a chat service');
}

export async function renderList({ main, signal }: View) {
  const [hooks, transformers] = await Promise.all([
    api<{ data: Webhook[] }>('GET', '/v1/webhooks', undefined, { signal }),
    loadTransformers(),
  ]);
  const labels = new Map(transformers.map((t) => [t.name, t.label]));
  const header = h(
    'div',
    { class: 'page-head' },
    h('h1', { tabindex: -1 }, 'Webhooks'),
    h('a', { class: 'button', href: '#/webhooks/new' }, 'Add webhook'),
  );
  const intro = h('p', { class: 'lead' }, 'Each webhook receives the events it subscribes to, signed, with retries, and logs every request.');
  if (!hooks.data.length) {
    replace(
      main,
      header,
      notice(
        'empty',
        'No webhooks yet.',
        h('p', {}, `Add a webhook to have events (a flow completed, an agent ran, a dataset changed …) delivered to your endpoint, or to ${services(transformers)}.`),
        h('p', {}, h('a', { class: 'button', href: '#/webhooks/new' }, 'Add your first webhook')),
      ),
    );
    return;
  }
  const list = h('ul', { class: 'hooks', 'aria-label': 'Webhooks' }, hooks.data.map((w) => card(w, labels.get(w.transformer) ?? w.transformer, signal)));
  replace(main, header, intro, list);
}

function card(w: Webhook, format: string, signal: AbortSignal): HTMLElement {
  const health = h('div', { class: 'health', 'aria-label': 'Health', role: 'group' }, h('p', { class: 'muted' }, 'Loading health…'));
  const switchId = `enabled-${w.id}`;
  const toggle = h('input', { type: 'checkbox', role: 'switch', id: switchId, checked: w.enabled, 'aria-describedby': `state-${w.id}` });
  const state = h('span', { id: `state-${w.id}`, class: 'switch-state' }, w.enabled ? 'On' : 'Off');
  const title = w.description || w.url;
  const item = h(
    'li',
    { class: `hook card${w.enabled ? '' : ' is-off'}`, 'data-webhook': w.id },
    h(
      'div',
      { class: 'hook-main' },
      h('h2', { class: 'hook-title' }, h('a', { href: `#/webhooks/${w.id}` }, title)),
      w.description ? h('p', { class: 'mono wrap url' }, w.url) : null,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Events'),
        h('dd', {}, eventsText(w.events)),
        h('dt', {}, 'Format'),
        h('dd', {}, format),
      ),
    ),
    health,
    h(
      'div',
      { class: 'hook-actions' },
      h('div', { class: 'switch' }, toggle, h('label', { for: switchId }, 'Enabled'), state),
      h(
        'div',
        { class: 'links' },
        h('a', { class: 'button secondary small', href: `#/webhooks/${w.id}`, 'aria-label': `Edit ${title}` }, 'Edit'),
        h('a', { class: 'button secondary small', href: `#/webhooks/${w.id}/log`, 'aria-label': `Request log of ${title}` }, 'Request log'),
      ),
    ),
    h('div', { class: 'hook-test' }, sendTestControl(w.id, w.events)),
  );

  toggle.addEventListener('change', async () => {
    const enabled = toggle.checked;
    toggle.disabled = true;
    try {
      const updated = await api<Webhook>('PATCH', `/v1/webhooks/${w.id}`, { enabled });
      Object.assign(w, updated);
      state.textContent = updated.enabled ? 'On' : 'Off';
      item.classList.toggle('is-off', !updated.enabled);
      toast(updated.enabled ? `Enabled: ${title}` : `Disabled: ${title}. No events are delivered to it until you enable it again.`);
      void loadHealth(w, health, signal);
    } catch (err) {
      toggle.checked = !enabled;
      toast(`Could not change it: ${describeError(err)}`, 'error');
    } finally {
      toggle.disabled = false;
      toggle.focus();
    }
  });
  void loadHealth(w, health, signal);
  return item;
}

async function loadHealth(w: Webhook, el: HTMLElement, signal: AbortSignal) {
  try {
    const hl = await api<Health>('GET', `/v1/webhooks/${w.id}/health`, undefined, { signal });
    replace(el, ...healthView(w, hl));
  } catch (err) {
    if (signal.aborted) return;
    replace(el, h('p', { class: 'muted' }, `Health unavailable: ${describeError(err)}`));
  }
}

export function healthView(w: Pick<Webhook, 'enabled'>, hl: Health): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (!w.enabled && hl.disabledReason) {
    out.push(h('p', { class: 'disabled-reason', role: 'note' }, badge('disabled', 'Disabled'), ` ${hl.disabledReason}. Fix the endpoint, then switch it on again.`));
  } else if (!w.enabled) {
    out.push(h('p', {}, badge('disabled', 'Off'), ' Switched off: events are not delivered to it.'));
  }
  const last = hl.lastDelivery;
  out.push(
    h(
      'p',
      { class: 'last' },
      h('span', { class: 'label' }, 'Last delivery: '),
      last
        ? [badge(last.status, last.status === 'pending' ? 'retrying' : last.status), last.statusCode ? ` HTTP ${last.statusCode}` : last.error ? ` ${last.error}` : '', ' · ', time(last.attemptedAt, { relative: true }), last.test ? ' (test)' : '']
        : h('span', { class: 'muted' }, 'none yet'),
    ),
  );
  if (hl.failureStreak > 0) out.push(h('p', { class: 'streak' }, badge('failed', `${hl.failureStreak} failed in a row`)));
  const d = hl.last24h;
  const finished = d.succeeded + d.failed;
  out.push(
    h(
      'p',
      { class: 'rate' },
      h('span', { class: 'label' }, 'Success (24 h): '),
      finished ? `${percent(d.successRate)} of ${finished}${d.capped ? '+' : ''}` : h('span', { class: 'muted' }, 'no deliveries'),
      d.pending ? ` · ${d.pending} pending` : '',
    ),
  );
  return out;
}
