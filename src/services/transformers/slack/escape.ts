// Slack mrkdwn escaping, and the `{{slack …}}` template helper that applies it.
import { textHelper } from '../shared/helpers.js';

/** Slack mrkdwn decodes only these three entities; `<!here>`, `<@U…>`, `<url|x>` become inert. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const SLACK_HELPERS = [
  textHelper('slack', escapeSlack),
  textHelper('escapeSlack', escapeSlack, '{{escapeSlack output}} (the same as {{slack output}})'),
] as const;
