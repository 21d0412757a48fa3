// Discord markdown escaping, and the `{{discord …}}` template helper that applies it.
// discord.js's own formatter package: the same code, without loading the whole client.
import { escapeMarkdown } from '@discordjs/formatters';
import { textHelper } from '../shared/helpers.js';

/** Discord markdown; mentions are made harmless by allowed_mentions, not by escaping. */
export function escapeDiscord(text: string): string {
  return escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true });
}

export const DISCORD_HELPERS = [textHelper('discord', escapeDiscord)] as const;
