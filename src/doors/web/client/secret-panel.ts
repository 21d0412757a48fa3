// The signing secret: shown once (after create or rotate) with a copy button, rotation with a
// grace period, and removing the webhook. The secret is never fetched again: the API does not
// give it out after the one answer that made it.
import { api, describeError } from './api.js';
import { copyButton, h, replace, time, toast } from './dom.js';
import type { Webhook } from './types.js';

export function secretOnce(secret: string, title: string): HTMLElement {
  const box = h('input', { id: 'new-secret', class: 'mono', readOnly: true, value: secret, 'aria-describedby': 'new-secret-help' });
  return h(
    'section',
    { class: 'secret-once', 'aria-labelledby': 'secret-once-title', role: 'region' },
    h('h2', { id: 'secret-once-title' }, title),
    h('p', { id: 'new-secret-help' }, 'This is the only time the signing secret is shown. Store it where your receiver can verify the X-Forjinn-Signature and webhook-signature headers with it.'),
    h('div', { class: 'inline-controls' }, h('label', { for: 'new-secret', class: 'inline-label' }, 'Signing secret'), box, copyButton(() => secret, 'Copy the signing secret', () => box.select())),
  );
}

const GRACE: Array<[number, string]> = [
  [0, 'None: the old secret stops now'],
  [3600, '1 hour'],
  [86_400, '24 hours'],
  [7 * 86_400, '7 days'],
];

export function rotateSection(w: Webhook, onRotated: () => void): HTMLElement {
  const out = h('div', { 'aria-live': 'polite' });
  const grace = h('select', { id: 'rotate-grace' }, GRACE.map(([s, t]) => h('option', { value: s, selected: s === 86_400 }, t)));
  const button = h('button', { type: 'button', class: 'secondary' }, w.hasSecret ? 'Rotate secret' : 'Create a secret');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const r = await api<{ secret: string; previousSecretExpiresAt: string | null }>('POST', `/v1/webhooks/${w.id}/rotate-secret`, { graceSeconds: Number(grace.value) });
      // Only the newest secret is on screen: an older one shown once before no longer matters.
      for (const el of document.querySelectorAll('.secret-once')) el.remove();
      replace(
        out,
        secretOnce(r.secret, 'New signing secret'),
        r.previousSecretExpiresAt ? h('p', {}, 'Until ', time(r.previousSecretExpiresAt), ' every delivery is signed with both the old and the new secret, so your receiver can switch over.') : null,
      );
      onRotated();
    } catch (err) {
      replace(out, h('p', { class: 'field-error', role: 'alert' }, `Could not rotate: ${describeError(err)}`));
    } finally {
      button.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'secret-title' },
    h('h2', { id: 'secret-title' }, 'Signing secret'),
    h(
      'p',
      {},
      w.hasSecret ? 'Deliveries are signed. ' : 'This webhook has no secret: its deliveries are not signed. ',
      w.secretRotation ? ['The previous secret also signs until ', time(w.secretRotation.previousSecretExpiresAt), '.'] : null,
    ),
    h('div', { class: 'inline-controls' }, h('label', { for: 'rotate-grace', class: 'inline-label' }, 'Old secret keeps working for'), grace, button),
    out,
  );
}

export function deleteSection(w: Webhook): HTMLElement {
  const confirmBox = h('div', { class: 'confirm', hidden: true, role: 'group', 'aria-label': 'Confirm removal' });
  const start = h('button', { type: 'button', class: 'danger' }, 'Delete webhook');
  const yes = h('button', { type: 'button', class: 'danger' }, 'Yes, delete it');
  const no = h('button', { type: 'button', class: 'secondary' }, 'Keep it');
  replace(confirmBox, h('p', {}, 'Delete this webhook? Its pending deliveries are cancelled; its request log stays readable over the API.'), yes, ' ', no);
  start.addEventListener('click', () => {
    confirmBox.hidden = false;
    start.hidden = true;
    no.focus();
  });
  no.addEventListener('click', () => {
    confirmBox.hidden = true;
    start.hidden = false;
    start.focus();
  });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    try {
      await api('DELETE', `/v1/webhooks/${w.id}`);
      toast('Webhook deleted.');
      location.hash = '#/webhooks';
    } catch (err) {
      toast(`Could not delete it: ${describeError(err)}`, 'error');
      yes.disabled = false;
    }
  });
  return h('section', { class: 'card danger-zone', 'aria-labelledby': 'delete-title' }, h('h2', { id: 'delete-title' }, 'Delete'), start, confirmBox);
}
