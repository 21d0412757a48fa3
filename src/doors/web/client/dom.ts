// Building the page without HTML strings: every node is made with createElement and every
// text goes in as textContent, so nothing an event or a receiver sent can become markup (and
// the Content-Security-Policy's Trusted Types rule holds without exceptions).

type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (ev: Event) => void;
export type Attrs = Record<string, string | number | boolean | Handler | null | undefined>;

// Set as properties, not attributes: their live state is what matters.
const PROPS = new Set(['checked', 'disabled', 'hidden', 'selected', 'value', 'readOnly', 'required', 'multiple', 'open']);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (PROPS.has(name)) (el as unknown as Record<string, unknown>)[name] = v;
    else if (v === false) continue;
    else if (typeof v === 'function') el.addEventListener(name.replace(/^on/, ''), v);
    else if (name === 'class') el.className = String(v);
    else if (name === 'for') el.setAttribute('for', String(v));
    else el.setAttribute(name, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function replace(el: Element, ...children: Child[]) {
  el.replaceChildren();
  append(el, children);
}

let ids = 0;
/** A unique id for label/aria wiring. */
export const uid = (prefix: string) => `${prefix}-${++ids}`;

// Times are shown in the viewer's own zone and locale; the ISO value stays in `datetime`.
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function ago(iso: string, now = Date.now()): string {
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const a = Math.abs(s);
  if (a < 45) return relative.format(s, 'second');
  if (a < 2700) return relative.format(Math.round(s / 60), 'minute');
  if (a < 64_800) return relative.format(Math.round(s / 3600), 'hour');
  return relative.format(Math.round(s / 86_400), 'day');
}

export function time(iso: string | null | undefined, opts: { relative?: boolean } = {}): HTMLElement | string {
  if (!iso) return '—';
  const d = new Date(iso);
  const text = full.format(d);
  return h('time', { datetime: iso, title: `${text} (${viewerZone})` }, opts.relative ? ago(iso) : text);
}

/** A status word with a colour class: succeeded, failed, pending, cancelled, disabled … */
export function badge(status: string, text = status): HTMLElement {
  return h('span', { class: `badge badge-${status.replace(/[^a-z_-]/g, '')}` }, text);
}

export function pre(text: string, label?: string): HTMLElement {
  return h('pre', { class: 'code', tabindex: 0, 'aria-label': label ?? null }, text);
}

/** Pretty JSON when the text is JSON, the text as it is otherwise. */
export function prettyBody(text: string | null | undefined): string {
  if (!text) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function headersList(headers: Record<string, string> | null | undefined, label: string): HTMLElement {
  const entries = Object.entries(headers ?? {});
  if (!entries.length) return h('p', { class: 'muted' }, 'No headers.');
  return h('dl', { class: 'headers', 'aria-label': label }, entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** A copy button for a value; falls back to selecting the text where the clipboard is closed. */
export function copyButton(value: () => string, label: string, select?: () => void): HTMLButtonElement {
  const btn = h('button', { type: 'button', class: 'secondary small', 'aria-label': label }, 'Copy');
  const done = (text: string) => {
    btn.textContent = text;
    setTimeout(() => (btn.textContent = 'Copy'), 2000);
  };
  btn.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value());
      done('Copied');
    } catch {
      select?.();
      done('Press Ctrl+C');
    }
  });
  return btn;
}

export function toast(message: string, kind: 'ok' | 'error' = 'ok') {
  const region = document.getElementById('toasts');
  if (!region) return;
  const t = h('div', { class: `toast toast-${kind}` }, message);
  region.appendChild(t);
  setTimeout(() => t.remove(), 6000);
}

/** A message box in place of content: what happened and what to do next. */
export function notice(kind: 'empty' | 'error' | 'info', title: string, ...body: Child[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : null }, h('p', { class: 'notice-title' }, title), ...body);
}

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)} %`;
}
