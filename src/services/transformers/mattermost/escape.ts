// Mattermost markdown escaping, and the `{{mattermost …}}` template helper that applies it.
import { textHelper } from '../shared/helpers.js';

/**
 * Event text as literal Mattermost markdown:
 * - `&`, `<`, `>` as entities: the server turns Slack's `<!channel>`, `<@user>` and `<url|text>`
 *   into mentions and links (ProcessSlackText, server/channels/app/webhook.go) and the web app
 *   renders entities as the characters;
 * - markdown punctuation behind a backslash (CommonMark escapes, which Mattermost's renderer keeps);
 * - a zero-width space after a word-initial `@` or `~` (not an address's), so `@here`, `@channel`, `@all`, `@someone`
 *   and `~channel` links stay text. Mattermost's docs say nothing on escaping mentions; its server
 *   finds them word by word (GetExplicitMentions), and `@` followed by U+200B is no word.
 * Code blocks need none of this: the server leaves code out of mentions (removeCodeFromMessage).
 */
export function escapeMattermost(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+!|]/g, '\\$&')
    .replace(/(?<![\p{L}\p{N}_])([@~])(?=[\p{L}\p{N}_.-])/gu, '$1\u200b');
}

export const MATTERMOST_HELPERS = [textHelper('mattermost', escapeMattermost)] as const;
