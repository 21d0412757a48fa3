// Test-only (shared/contract.ts): a Discord webhook, discord.js's builders with their validators
// on as the checker, the JSON Discord answers with ?wait=true, and Discord's status column.
import { EmbedBuilder, embedLength, enableValidators } from '@discordjs/builders';
import type { APIEmbed } from 'discord-api-types/v10';
import { CHAT_ANSWERS, parsed, rule, sameJson, type TargetContract } from '../shared/contract.js';

// https://discord.com/developers/docs/resources/message#embed-object-embed-limits and
// /resources/webhook#execute-webhook: what the builders do not check themselves.
const LIMITS = { embedsPerMessage: 10, embedsTotal: 6000, content: 2000, username: 80 } as const;

const TOKEN = 'Ab_cDeFgHiJkLmNoPqRsTuVwXyZ0123456789-AbCdEfGhIjKlMnOpQrStUvWxYz01234';
export const DISCORD_HOOK = `https://discord.com/api/webhooks/123456789012345678/${TOKEN}`;

/** Rebuilds an embed through EmbedBuilder's validating setters; throws what the validators throw. */
export function rebuildEmbed(embed: APIEmbed): APIEmbed {
  enableValidators();
  const { title, description, url, color, timestamp, footer, author, fields, image, thumbnail, ...rest } = embed;
  if (Object.keys(rest).length) throw new Error(`embed properties this check does not know: ${Object.keys(rest).join(', ')}`);
  const builder = new EmbedBuilder();
  if (title !== undefined) builder.setTitle(title);
  if (description !== undefined) builder.setDescription(description);
  if (url !== undefined) builder.setURL(url);
  if (color !== undefined) builder.setColor(color);
  if (timestamp !== undefined) builder.setTimestamp(Date.parse(timestamp));
  if (footer !== undefined) builder.setFooter(footer);
  if (author !== undefined) builder.setAuthor(author);
  if (image !== undefined) builder.setImage(image.url);
  if (thumbnail !== undefined) builder.setThumbnail(thumbnail.url);
  if (fields !== undefined) builder.addFields(fields);
  return builder.toJSON();
}

export const contract: TargetContract = {
  hookUrl: DISCORD_HOOK,
  settings: {},
  secrets: [DISCORD_HOOK, TOKEN],
  goodAnswer: { status: 200, contentType: 'application/json', body: JSON.stringify({ id: '1234567890', type: 0, channel_id: '42', embeds: [] }) },
  check(sent) {
    const problems: string[] = [];
    const bad = rule(problems);
    const body = parsed(sent, problems);
    bad(JSON.stringify(body.allowed_mentions) === '{"parse":[]}', 'mentions are not disabled');
    bad(typeof body.username === 'string' && body.username.length >= 1 && body.username.length <= LIMITS.username, `username ${body.username}`);
    bad((body.content ?? '').length <= LIMITS.content, 'content too long');
    const embeds: APIEmbed[] = body.embeds ?? [];
    bad(embeds.length >= 1 && embeds.length <= LIMITS.embedsPerMessage, `${embeds.length} embeds`);
    // The builders check each field; the 6000 across all embeds is the sender's to check.
    const total = embeds.reduce((n, e) => n + embedLength(e), 0);
    bad(total <= LIMITS.embedsTotal, `${total} characters across the embeds, over ${LIMITS.embedsTotal}`);
    for (const [i, embed] of embeds.entries()) {
      try {
        bad(sameJson(rebuildEmbed(embed), embed), `embeds[${i}] rebuilds differently`);
      } catch (err) {
        problems.push(`embeds[${i}]: ${(err as Error).message.slice(0, 300)}`);
      }
    }
    return problems;
  },
  flood: '{{discord output}}\n{{fence (discord error.message)}}\n{{discord input}}',
  validTemplate: '{{#with error}}**{{discord message}}**{{/with}}{{default chatflowName "none"}}',
  // https://discord.com/developers/docs/topics/opcodes-and-status-codes#http (discord/index.ts).
  answers: { ...CHAT_ANSWERS },
};
