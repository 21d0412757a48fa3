// Sign in: an API key of the workspace, checked against GET /v1/workspace before it is kept
// (in sessionStorage: this tab only, gone when the tab closes).
import { api, ApiFailure, describeError, session } from './api.js';
import { h, replace } from './dom.js';

export function renderSignIn(main: HTMLElement, message: string | undefined, onSignedIn: (workspace: string) => Promise<void>) {
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'api-key-help api-key-error',
  });
  const error = h('p', { class: 'field-error', id: 'api-key-error', role: 'alert' }, message ?? '');
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card sign-in', novalidate: true, 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title', tabindex: -1 }, 'Sign in'),
    h('p', {}, 'Manage the webhooks of your Forjinn workspace: where events are delivered, how they look, and what happened to each delivery.'),
    h('div', { class: 'field' }, h('label', { for: 'api-key' }, 'API key'), input, error),
    h(
      'p',
      { class: 'help', id: 'api-key-help' },
      'Paste an API key of your workspace (it starts with fjk_). On its first start the service printed a key for the "default" workspace; ',
      'make another with ',
      h('code', {}, 'forjinn-webhooks api-key create --workspace <name>'),
      '. The key stays in this browser tab only and is sent as a Bearer header; no cookies are used.',
    ),
    h('div', { class: 'actions' }, button),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = input.value.trim();
    input.setAttribute('aria-invalid', 'false');
    if (!key) return showError('Enter an API key.');
    button.disabled = true;
    error.textContent = '';
    try {
      const ws = await api<{ name: string }>('GET', '/v1/workspace', undefined, { key });
      session.set(key);
      await onSignedIn(ws.name);
    } catch (err) {
      showError(err instanceof ApiFailure && err.status === 401 ? `This key was not accepted: ${err.message}.` : describeError(err));
    } finally {
      button.disabled = false;
    }
  });
  function showError(text: string) {
    error.textContent = text;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
  replace(main, form);
  if (message) input.setAttribute('aria-invalid', 'true');
  input.focus();
}
