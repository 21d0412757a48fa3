// The settings page: a hash router over a handful of views, the top bar, sign-in and sign-out.
// Each view renders into <main> and gets an AbortSignal that fires when the viewer moves on,
// so a slow answer never paints over the next page.
import { api, ApiFailure, describeError, isAbort, session, whenUnauthorized } from './api.js';
import { h, notice, replace, toast, viewerZone } from './dom.js';
import { renderSignIn } from './sign-in.js';
import { renderList } from './webhook-list.js';
import { renderForm } from './webhook-form.js';
import { renderLog } from './request-log.js';
import { renderDelivery } from './delivery-detail.js';
import { renderEvents } from './events-list.js';
import './styles.css';
import type { View } from './view.js';


type Render = (v: View) => Promise<void>;

const UUID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
const ROUTES: Array<[RegExp, Render, string, 'webhooks' | 'events']> = [
  [/^\/(?:webhooks)?$/, renderList, 'Webhooks', 'webhooks'],
  [/^\/webhooks\/new$/, renderForm, 'Add webhook', 'webhooks'],
  [new RegExp(`^/webhooks/${UUID}$`), renderForm, 'Edit webhook', 'webhooks'],
  [new RegExp(`^/webhooks/${UUID}/log$`), renderLog, 'Request log', 'webhooks'],
  [new RegExp(`^/deliveries/${UUID}$`), renderDelivery, 'Delivery', 'webhooks'],
  [/^\/events$/, renderEvents, 'Events', 'events'],
];

let current: AbortController | undefined;
let workspace: string | undefined;

const $ = (id: string) => document.getElementById(id) as HTMLElement;

function renderTopbar(section?: 'webhooks' | 'events') {
  const brand = h('a', { class: 'brand', href: '#/webhooks' }, h('img', { src: '/assets/icon.svg', alt: '', width: 24, height: 24 }), h('span', {}, 'Forjinn'), h('span', { class: 'crumb' }, 'Settings → API/Webhooks'));
  if (!session.key || !workspace) return replace($('topbar'), brand);
  const link = (href: string, text: string, on: boolean) => h('a', { href, 'aria-current': on ? 'page' : null }, text);
  replace(
    $('topbar'),
    brand,
    h('nav', { 'aria-label': 'Sections' }, link('#/webhooks', 'Webhooks', section === 'webhooks'), link('#/events', 'Events', section === 'events')),
    h(
      'div',
      { class: 'account' },
      h('span', { class: 'workspace', title: 'The workspace of your API key' }, `Workspace: ${workspace}`),
      h('button', { type: 'button', class: 'secondary small', onclick: () => signOut() }, 'Sign out'),
    ),
  );
}

function signOut(message?: string) {
  session.clear();
  workspace = undefined;
  if (location.hash && location.hash !== '#/') history.replaceState(null, '', '#/');
  void route(message);
  if (!message) toast('Signed out. The API key was removed from this tab.');
}

async function route(signInMessage?: string) {
  current?.abort();
  const ctl = new AbortController();
  current = ctl;
  const main = $('main');
  const path = location.hash.replace(/^#/, '') || '/';
  if (!session.key) {
    renderTopbar();
    document.title = 'Sign in · Settings · API/Webhooks · Forjinn';
    renderSignIn(main, signInMessage, async (name) => {
      workspace = name;
      await route();
    });
    return;
  }
  const match = ROUTES.find(([re]) => re.test(path));
  try {
    workspace ??= (await api<{ name: string }>('GET', '/v1/workspace', undefined, { signal: ctl.signal })).name;
    renderTopbar(match?.[3]);
    if (!match) {
      replace(main, notice('error', 'There is no such page.', h('p', {}, h('a', { href: '#/webhooks' }, 'Go to the webhooks'))));
      return;
    }
    const [re, render, title] = match;
    document.title = `${title} · Settings · API/Webhooks · Forjinn`;
    replace(main, h('p', { class: 'muted loading', 'aria-busy': 'true' }, 'Loading…'));
    await render({ main, signal: ctl.signal, params: re.exec(path)!.slice(1), refresh: () => void route() });
    if (!ctl.signal.aborted) main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  } catch (err) {
    if (isAbort(err) || ctl.signal.aborted || (err instanceof ApiFailure && err.status === 401)) return;
    replace(
      main,
      notice('error', 'This page could not be loaded.', h('p', {}, describeError(err)), h('button', { type: 'button', onclick: () => void route() }, 'Try again')),
    );
  }
}

whenUnauthorized((message) => signOut(`Your API key was not accepted (${message}). Sign in again.`));

document.addEventListener('DOMContentLoaded', () => {
  replace($('footer'), `Times are shown in your time zone (${viewerZone}). `, h('a', { href: '/openapi.json' }, 'REST API reference (OpenAPI)'));
  // The skip link focuses <main> without touching the hash, which is the router's.
  document.querySelector('.skip-link')?.addEventListener('click', (ev) => {
    ev.preventDefault();
    $('main').focus();
  });
  window.addEventListener('hashchange', () => void route());
  void route();
});
