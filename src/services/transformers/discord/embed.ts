// The Discord embed, built with discord.js's EmbedBuilder (which validates each field) and cut to
// fit Discord's limits, including the 6000-character total the builder does not check.
// discord.js's builders package (what discord.js re-exports), without loading the whole client.
import { EmbedBuilder, embedLength } from '@discordjs/builders';
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { EventView, Status } from '../shared/event-view.js';
import { truncate, truncateMarkup } from '../shared/text.js';
import { escapeDiscord } from './escape.js';
import { TransformerError, type VendorLimit } from '../types.js';

// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
export const DISCORD_TITLE_MAX = 256;
export const DISCORD_DESCRIPTION_MAX = 4096;
export const DISCORD_FIELDS_MAX = 25;
export const DISCORD_FIELD_NAME_MAX = 256;
export const DISCORD_FIELD_VALUE_MAX = 1024;
export const DISCORD_FOOTER_MAX = 2048;
/** Across title, description, field names and values, footer and author of all embeds. */
export const DISCORD_EMBEDS_TOTAL_MAX = 6000;
const EMBED_LIMITS_DOC = 'https://discord.com/developers/docs/resources/message#embed-object-embed-limits';
export const DISCORD_LIMITS: readonly VendorLimit[] = [
  { what: 'embed title', max: DISCORD_TITLE_MAX, unit: 'characters', doc: EMBED_LIMITS_DOC },
  { what: 'embed description', max: DISCORD_DESCRIPTION_MAX, unit: 'characters', doc: EMBED_LIMITS_DOC },
  { what: 'embed fields', max: DISCORD_FIELDS_MAX, unit: 'items', doc: EMBED_LIMITS_DOC },
  { what: 'field name', max: DISCORD_FIELD_NAME_MAX, unit: 'characters', doc: EMBED_LIMITS_DOC },
  { what: 'field value', max: DISCORD_FIELD_VALUE_MAX, unit: 'characters', doc: EMBED_LIMITS_DOC },
  { what: 'footer text', max: DISCORD_FOOTER_MAX, unit: 'characters', doc: EMBED_LIMITS_DOC },
  { what: 'characters across all embeds', max: DISCORD_EMBEDS_TOTAL_MAX, unit: 'characters', doc: EMBED_LIMITS_DOC },
];
// Facts are a glance, not a dump; short values leave the 6000 budget to the description.
const FACT_VALUE_MAX = 300;

// Discord's own palette: green, yellow, red, blurple.
const COLOR: Record<Status, number> = { success: 0x57f287, warning: 0xfee75c, error: 0xed4245, info: 0x5865f2 };

// discord.js validates lengths in UTF-16 units (`string.length`): measure the same way.
const UNITS = 'utf16' as const;

function factFields(view: EventView, truncated: string[]): APIEmbedField[] {
  const fields: APIEmbedField[] = view.facts.slice(0, DISCORD_FIELDS_MAX - 1).map((fact, index) => {
    const name = truncate(fact.label, DISCORD_FIELD_NAME_MAX, UNITS);
    const value = truncate(fact.value, FACT_VALUE_MAX, UNITS);
    const id = fact.id ? `\n\`${fact.id.replace(/`/g, "'")}\`` : '';
    const shown = truncateMarkup(`${escapeDiscord(value.text)}${id}`, DISCORD_FIELD_VALUE_MAX, UNITS);
    if (name.cut) truncated.push(`embeds[0].fields[${index}].name`);
    if (value.cut || shown.cut) truncated.push(`embeds[0].fields[${index}].value`);
    return { name: name.text, value: shown.text, inline: true };
  });
  if (view.links.length > 0) {
    const links = view.links.map((link) => `[${link.label}](${link.url})`).join(' · ');
    fields.push({ name: 'Links', value: truncate(links, DISCORD_FIELD_VALUE_MAX, UNITS).text, inline: false });
  }
  return fields;
}

export function buildEmbed(
  view: EventView,
  body: { text: string; cut: boolean },
  timestamp: unknown,
  truncated: string[],
): APIEmbed {
  const title = truncate(view.title, DISCORD_TITLE_MAX, UNITS);
  if (title.cut) truncated.push('embeds[0].title');
  const footer = truncate(view.footer, DISCORD_FOOTER_MAX, UNITS);
  if (footer.cut) truncated.push('embeds[0].footer.text');

  const embed = new EmbedBuilder()
    .setColor(COLOR[view.status])
    .setTitle(title.text)
    .addFields(factFields(view, truncated))
    .setFooter({ text: footer.text });
  if (view.linkUrls.chatflow) embed.setURL(view.linkUrls.chatflow);
  const ms = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (!Number.isNaN(ms)) embed.setTimestamp(ms);

  // The description gets what is left of the 6000 total once everything else is in.
  const text = body.text.trim();
  if (text !== '') {
    const room = Math.min(DISCORD_DESCRIPTION_MAX, DISCORD_EMBEDS_TOTAL_MAX - embedLength(embed.toJSON()));
    const description = room > 1 ? truncateMarkup(text, room, UNITS) : { text: '', cut: true };
    if (description.cut || body.cut) truncated.push('embeds[0].description');
    if (description.text !== '') embed.setDescription(description.text);
  }

  const json = embed.toJSON();
  // Unreachable with the caps above; a guard so a future field cannot silently break delivery.
  if (embedLength(json) > DISCORD_EMBEDS_TOTAL_MAX) {
    throw new TransformerError('render_error', `the Discord embed is over ${DISCORD_EMBEDS_TOTAL_MAX} characters`);
  }
  return json;
}
