// Chat payloads checked by the vendors' own code where a library exists, and by the vendor's
// documented numbers where none does: Teams cards through Microsoft's `adaptivecards` parser and
// validator, Discord embeds rebuilt through @discordjs/builders with its validators on, Slack
// through Block Kit's documented limits (one table below), PagerDuty and Google Chat through
// theirs. Nothing here imports a transformer's own limit constants: a wrong constant in the code
// under test fails here.
// Each target is rendered for every event type: the default rendering, a Send Test, and the
// largest event ingest accepts, by the default template and by one that puts all of its text in
// (what the cuts must bring back within the limits).
import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import { EmbedBuilder, embedLength, enableValidators, isValidationEnabled } from '@discordjs/builders';
import type * as AdaptiveCardsTypes from 'adaptivecards';
import type { APIEmbed } from 'discord-api-types/v10';
import { prepareEvent } from '../../../src/services/ingest/ingest.js';
import type { EventType, ForjinnEvent } from '../../../src/services/transformers/types.js';
import { CTX, EVENT_TYPES_LIST, eventWith, hugeOutput, json, render, strings } from '../../helpers/transformer-fixtures.js';

// The package's `main` is ES modules without file extensions (for bundlers); its UMD bundle is the
// same library and loads in Node as it is. Parsing and validating need no DOM: only rendering does.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsTypes;

/** `units` UTF-16 units (what ingest's bounds count) of text with emoji, never half a surrogate pair. */
function long(units: number): string {
  let out = '';
  for (const c of Array.from('Ab😀 '.repeat(Math.ceil(units / 4)))) {
    if (out.length + c.length > units) break;
    out += c;
  }
  return out;
}

/**
 * The largest event of the type that ingest accepts: every id, name and text at its bound
 * (src/services/ingest/schemas.ts), as delivered (prepareEvent refuses anything past them).
 */
function oversized(type: EventType): ForjinnEvent {
  const raw = eventWith(type, {
    chatflowId: long(200),
    agentId: long(200),
    datasetId: long(200),
    evaluationId: long(200),
    sessionId: long(200),
    chatflowName: long(500),
    agentName: long(500),
    datasetName: long(500),
    evaluationName: long(500),
    user: long(320),
    input: hugeOutput(200_000),
    output: hugeOutput(200_000),
    ...(type === 'agent_executed' || type === 'evaluation_completed' ? { status: `failed ${long(93)}` } : {}),
    ...(type === 'dataset_updated' ? { change: long(100) } : {}),
    error: { kind: long(200), code: long(200), message: hugeOutput(100_000), nodeId: long(200), stack: hugeOutput(100_000) },
  });
  return JSON.parse(prepareEvent(raw, 'default').payload) as ForjinnEvent;
}

type Target = 'slack' | 'teams' | 'discord' | 'pagerduty' | 'google-chat';
/** A custom template that puts all of the oversized text in: the message's own cuts must bring it back. */
const FLOOD: Record<Target, string> = {
  slack: '{{slack output}}\n{{fence (slack error.message)}}\n{{slack input}}',
  teams: '{{teams output}}\n{{fence (teams error.message)}}\n{{teams input}}',
  discord: '{{discord output}}\n{{fence (discord error.message)}}\n{{discord input}}',
  pagerduty: '{{output}} {{error.message}} {{input}}',
  'google-chat': '{{html output}}\n{{html error.message}}\n{{html input}}',
};

const renderings = (target: Target) =>
  EVENT_TYPES_LIST.flatMap((type) => [
    [type, 'default', () => render(target, eventWith(type))] as const,
    [type, 'Send Test', () => render(target, eventWith(type, { id: `test_${type}` }), { ctx: { ...CTX, test: true } })] as const,
    [type, 'oversized', () => render(target, oversized(type))] as const,
    [type, 'oversized, custom template', () => render(target, oversized(type), { template: FLOOD[target] })] as const,
  ]);

// ---- Slack: Block Kit has no validator library; these are Slack's documented numbers ----

/**
 * Block Kit's limits for a message, from Slack's reference (api.slack.com/reference/block-kit/blocks,
 * /composition-objects, /methods/chat.postMessage) and shared/TARGETS.md. The one table: the
 * transformer's constants are not imported, only the same vendor numbers written again.
 */
const SLACK_LIMITS = {
  blocksPerMessage: 50,
  /** header: a plain_text object of at most 150 characters. */
  headerText: 150,
  /** section: text at most 3000 characters; at most 10 fields of at most 2000 each. */
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  /** context: at most 10 elements. */
  contextElements: 10,
  /** Any text object: at least 1 character, at most 3000. */
  textObject: 3000,
  blockId: 255,
  /** Top-level text: Slack asks for at most 4000 characters (and truncates at 40,000). */
  messageText: 4000,
  /** About 12,000 characters of block text in all before msg_blocks_too_long. */
  messageBlockText: 12_000,
} as const;

// Slack counts characters, not UTF-16 units or bytes.
const chars = (text: string): number => Array.from(text).length;

/** What breaks a Block Kit rule in a message, one line each (empty: none). */
function slackProblems(message: any): string[] {
  const problems: string[] = [];
  const bad = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const textObject = (t: any, at: string, max: number, types: string[]) => {
    bad(t !== null && typeof t === 'object' && types.includes(t.type), `${at}: a ${types.join('|')} text object`);
    bad(typeof t?.text === 'string' && chars(t.text) >= 1, `${at}: empty text`);
    bad(typeof t?.text === 'string' && chars(t.text) <= Math.min(max, SLACK_LIMITS.textObject), `${at}: ${chars(t?.text ?? '')} characters, over ${max}`);
  };
  bad(typeof message.text === 'string' && message.text.trim() !== '', 'text: the notification fallback is missing');
  bad(chars(message.text ?? '') <= SLACK_LIMITS.messageText, `text: over ${SLACK_LIMITS.messageText} characters`);
  bad(Array.isArray(message.blocks) && message.blocks.length >= 1, 'blocks: none');
  bad((message.blocks ?? []).length <= SLACK_LIMITS.blocksPerMessage, `blocks: ${message.blocks?.length}, over ${SLACK_LIMITS.blocksPerMessage}`);
  let blockText = 0;
  for (const [i, block] of (message.blocks ?? []).entries()) {
    const at = `blocks[${i}]`;
    if (block.block_id !== undefined) bad(chars(block.block_id) <= SLACK_LIMITS.blockId, `${at}.block_id: too long`);
    if (block.type === 'header') {
      textObject(block.text, `${at}.text`, SLACK_LIMITS.headerText, ['plain_text']);
    } else if (block.type === 'section') {
      bad(block.text !== undefined || block.fields !== undefined, `${at}: a section needs text or fields`);
      if (block.text !== undefined) textObject(block.text, `${at}.text`, SLACK_LIMITS.sectionText, ['mrkdwn', 'plain_text']);
      if (block.fields !== undefined) {
        bad(block.fields.length >= 1 && block.fields.length <= SLACK_LIMITS.sectionFields, `${at}.fields: ${block.fields.length} fields`);
        for (const [j, field] of block.fields.entries()) {
          textObject(field, `${at}.fields[${j}]`, SLACK_LIMITS.sectionFieldText, ['mrkdwn', 'plain_text']);
        }
      }
    } else if (block.type === 'context') {
      bad(block.elements.length >= 1 && block.elements.length <= SLACK_LIMITS.contextElements, `${at}.elements: ${block.elements.length}`);
      for (const [j, element] of block.elements.entries()) {
        textObject(element, `${at}.elements[${j}]`, SLACK_LIMITS.textObject, ['mrkdwn', 'plain_text']);
      }
    } else if (block.type !== 'divider') {
      problems.push(`${at}: block type ${block.type} is not one this check knows`);
    }
    for (const [, text] of strings(block)) blockText += chars(text);
  }
  bad(blockText <= SLACK_LIMITS.messageBlockText, `blocks: ${blockText} characters of text, over ${SLACK_LIMITS.messageBlockText}`);
  return problems;
}

// ---- Teams: Microsoft's Adaptive Cards library ----

// What a Workflows post takes (shared/TARGETS.md): one Adaptive Card 1.4 in a message envelope,
// at most 28 KB.
const TEAMS_MESSAGE_BYTES = 28_000;

/** The library's parse events and validation failures for the card, as a Teams client would read it (1.4). */
function adaptiveCardProblems(content: unknown): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_4);
  card.parse(content, context);
  const parsed = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i));
  const validated = card.validateProperties().validationEvents;
  const problems = [...parsed, ...validated].map((e) => `${AC.ValidationEvent[e.event]}: ${e.message}`);
  // What the library read back out must be the whole card: a property it does not know (a typo,
  // something from a later version) is dropped silently by parse, and shows here.
  const read = card.toJSON(new AC.SerializationContext(AC.Versions.v1_4));
  if (JSON.stringify(sortKeys(read)) !== JSON.stringify(sortKeys(content))) {
    problems.push(`the card read back differs: ${JSON.stringify(read).slice(0, 400)}`);
  }
  return problems;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
}

// ---- Discord: discord.js's builders, validation on ----

// https://discord.com/developers/docs/resources/message#embed-object-embed-limits and
// /resources/webhook#execute-webhook: what the builders do not check themselves.
const DISCORD_LIMITS = { embedsPerMessage: 10, embedsTotal: 6000, content: 2000, username: 80 } as const;

/** Rebuilds an embed through EmbedBuilder's validating setters; throws what the validators throw. */
function rebuildEmbed(embed: APIEmbed): APIEmbed {
  const { title, description, url, color, timestamp, footer, author, fields, image, thumbnail, ...rest } = embed;
  expect(rest).toEqual({});
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

// ---- PagerDuty and Google Chat: no validator library; their documented numbers ----

// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ (and shared/TARGETS.md).
const PAGERDUTY_LIMITS = { summary: 1024, dedupKey: 255, routingKey: 32, eventBytes: 512 * 1024 } as const;
const PAGERDUTY_SEVERITY = ['critical', 'error', 'warning', 'info'];

// https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages/create :
// "The maximum message size, including text and cards, is 32,000 bytes."
const GOOGLE_CHAT_MESSAGE_BYTES = 32_000;

describe('vendor payloads, checked by the vendors\' own rules', () => {
  enableValidators();

  it.each(renderings('slack'))('slack / %s (%s) keeps every Block Kit limit', (_type, _kind, renderIt) => {
    const rendered = renderIt();
    expect(rendered.templateError).toBeUndefined();
    const message = json(rendered);
    expect(slackProblems(message)).toEqual([]);
  });

  it.each(renderings('teams'))('teams / %s (%s) parses and validates as an Adaptive Card 1.4 with no warning', (_type, _kind, renderIt) => {
    const rendered = renderIt();
    expect(rendered.templateError).toBeUndefined();
    expect(Buffer.byteLength(rendered.body, 'utf8')).toBeLessThanOrEqual(TEAMS_MESSAGE_BYTES);
    const message = json(rendered);
    expect(Object.keys(message).sort()).toEqual(['attachments', 'type']);
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    const [attachment] = message.attachments;
    expect(attachment).toEqual({ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: expect.any(Object) });
    expect(attachment.content).toMatchObject({ $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4' });
    expect(adaptiveCardProblems(attachment.content)).toEqual([]);
  });

  it.each(renderings('discord'))('discord / %s (%s) passes discord.js\'s embed validators and Discord\'s totals', (_type, _kind, renderIt) => {
    expect(isValidationEnabled()).toBe(true);
    const rendered = renderIt();
    expect(rendered.templateError).toBeUndefined();
    const body = json(rendered);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.username.length).toBeGreaterThanOrEqual(1);
    expect(body.username.length).toBeLessThanOrEqual(DISCORD_LIMITS.username);
    expect((body.content ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(body.embeds.length).toBeGreaterThanOrEqual(1);
    expect(body.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    // The builders check each field; the 6000 across all embeds is the sender's to check.
    expect(body.embeds.reduce((n: number, e: APIEmbed) => n + embedLength(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    for (const embed of body.embeds) expect(rebuildEmbed(embed)).toEqual(embed);
  });

  it.each(renderings('pagerduty'))('pagerduty / %s (%s) is an Events API v2 event within its limits', (_type, _kind, renderIt) => {
    const rendered = renderIt();
    expect(rendered.templateError).toBeUndefined();
    expect(Buffer.byteLength(rendered.body, 'utf8')).toBeLessThanOrEqual(PAGERDUTY_LIMITS.eventBytes);
    const body = json(rendered);
    expect(body.routing_key).toHaveLength(PAGERDUTY_LIMITS.routingKey);
    expect(['trigger', 'resolve']).toContain(body.event_action);
    expect(body.dedup_key.length).toBeGreaterThanOrEqual(1);
    expect(body.dedup_key.length).toBeLessThanOrEqual(PAGERDUTY_LIMITS.dedupKey);
    if (body.event_action === 'resolve') return;
    expect(chars(body.payload.summary)).toBeGreaterThanOrEqual(1);
    expect(chars(body.payload.summary)).toBeLessThanOrEqual(PAGERDUTY_LIMITS.summary);
    expect(PAGERDUTY_SEVERITY).toContain(body.payload.severity);
    expect(body.payload.source).toEqual(expect.any(String));
    if (body.payload.timestamp !== undefined) expect(new Date(body.payload.timestamp).toISOString()).toBe(body.payload.timestamp);
    // Links (Events API v2: `links`, each an `href` and a `text`) to the chatflow and the
    // delivery log of the app; no `images` are sent, whose `src` PagerDuty would want as https.
    expect(body.images).toBeUndefined();
    expect(body.links.length).toBeGreaterThanOrEqual(1);
    for (const link of body.links) expect(link).toEqual({ href: expect.stringMatching(/^https:\/\/(app|hooks)\.forjinn\.example\//), text: expect.any(String) });
  });

  it.each(renderings('google-chat'))('google-chat / %s (%s) is one cardsV2 card within 32,000 bytes', (_type, _kind, renderIt) => {
    const rendered = renderIt();
    expect(rendered.templateError).toBeUndefined();
    expect(Buffer.byteLength(rendered.body, 'utf8')).toBeLessThanOrEqual(GOOGLE_CHAT_MESSAGE_BYTES);
    const body = json(rendered);
    expect(body.text).toEqual(expect.any(String));
    expect(body.cardsV2).toHaveLength(1);
    expect(body.cardsV2[0].card.header.title).toEqual(expect.any(String));
  });
});

describe('the checks themselves catch a payload that breaks the rule', () => {
  it('slack: a header past 150 characters and an empty section', () => {
    const message = json(render('slack', eventWith('flow_completed')));
    message.blocks[0].text.text = 'x'.repeat(151);
    message.blocks[1].text.text = '';
    expect(slackProblems(message)).toEqual([expect.stringMatching(/^blocks\[0\]\.text: 151 characters/), 'blocks[1].text: empty text']);
  });

  it('teams: a colour the schema does not know, and a property the library drops', () => {
    const content = json(render('teams', eventWith('flow_completed'))).attachments[0].content;
    content.body[0].items[0].color = 'Danger';
    expect(adaptiveCardProblems(content)[0]).toMatch(/^InvalidPropertyValue: Invalid value "Danger" for property "color"/);
    const typo = json(render('teams', eventWith('flow_completed'))).attachments[0].content;
    typo.body[0].items[0].wrapp = true;
    expect(adaptiveCardProblems(typo)).toEqual([expect.stringMatching(/^the card read back differs/)]);
  });

  it('discord: a title past 256 characters', () => {
    const [embed] = json(render('discord', eventWith('flow_completed'))).embeds;
    expect(() => rebuildEmbed({ ...embed, title: 'x'.repeat(257) })).toThrow();
  });
});
