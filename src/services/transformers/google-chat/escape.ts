// Google Chat escaping: card HTML (`{{html …}}`) and plain message text (`{{chattext …}}`).
import { textHelper } from '../shared/helpers.js';

/** Google Chat card text is an HTML subset (b, i, u, font, a, br). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Google Chat *text* messages use Slack-like `<users/all>` and `<url|text>` sequences but decode
 * no entities, so a zero-width space after `<` is what keeps them from being parsed.
 */
export function escapeChatText(text: string): string {
  return text.replace(/</g, '<\u200b');
}

export const GOOGLE_CHAT_HELPERS = [textHelper('html', escapeHtml), textHelper('chattext', escapeChatText, '{{chattext chatflowName}}')] as const;
