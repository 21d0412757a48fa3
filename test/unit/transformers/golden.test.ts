// Golden files: the rendered body of every transformer for each of the five fixture events, with a
// fixed render context. A change in what a target receives shows up as a diff in review.
// Regenerate with `UPDATE_GOLDEN=1 npm test -- test/unit/transformers/golden` and read the diff.
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DISCORD_DESCRIPTION_MAX,
  DISCORD_EMBEDS_TOTAL_MAX,
  DISCORD_FIELD_NAME_MAX,
  DISCORD_FIELD_VALUE_MAX,
  DISCORD_FIELDS_MAX,
  DISCORD_FOOTER_MAX,
  DISCORD_TITLE_MAX,
} from '../../../src/services/transformers/discord/embed.js';
import { DISCORD_USERNAME_MAX } from '../../../src/services/transformers/discord/index.js';
import { GOOGLE_CHAT_MAX_BYTES } from '../../../src/services/transformers/google-chat/message.js';
import { TRANSFORMER_NAMES, type TransformerName } from '../../../src/services/transformers/index.js';
import { PAGERDUTY_DEDUP_KEY_MAX, PAGERDUTY_SEVERITIES, PAGERDUTY_SUMMARY_MAX } from '../../../src/services/transformers/pagerduty/event.js';
import { SAMPLE_EVENTS } from '../../../src/services/transformers/samples.js';
import {
  SLACK_BLOCK_TEXT_BUDGET,
  SLACK_CONTEXT_ELEMENTS_MAX,
  SLACK_FIELD_TEXT_MAX,
  SLACK_HEADER_MAX,
  SLACK_MAX_BLOCKS,
  SLACK_SECTION_FIELDS_MAX,
  SLACK_SECTION_TEXT_MAX,
} from '../../../src/services/transformers/slack/blocks.js';
import { TEAMS_MAX_BYTES } from '../../../src/services/transformers/teams/card.js';
import { EVENT_TYPES } from '../../../src/services/transformers/types.js';
import { render, strings } from './fixtures.js';

const DIR = fileURLToPath(new URL('../../fixtures/expected/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

// Slack counts characters; Discord counts UTF-16 units (what discord.js measures).
const chars = (text: string): number => Array.from(text).length;
const bytes = (body: string): number => Buffer.byteLength(body, 'utf8');

function checkSlack(body: any): void {
  expect(body.blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
  let total = 0;
  for (const block of body.blocks) {
    if (block.type === 'header') expect(chars(block.text.text)).toBeLessThanOrEqual(SLACK_HEADER_MAX);
    if (block.type === 'section') {
      if (block.text) expect(chars(block.text.text)).toBeLessThanOrEqual(SLACK_SECTION_TEXT_MAX);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_SECTION_FIELDS_MAX);
      for (const f of block.fields ?? []) expect(chars(f.text)).toBeLessThanOrEqual(SLACK_FIELD_TEXT_MAX);
    }
    if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(SLACK_CONTEXT_ELEMENTS_MAX);
    for (const [, text] of strings(block)) total += chars(text);
  }
  expect(total).toBeLessThanOrEqual(SLACK_BLOCK_TEXT_BUDGET);
}

function checkDiscord(body: any): void {
  expect(body.username.length).toBeLessThanOrEqual(DISCORD_USERNAME_MAX);
  expect(body.allowed_mentions).toEqual({ parse: [] });
  let total = 0;
  for (const embed of body.embeds) {
    expect((embed.title ?? '').length).toBeLessThanOrEqual(DISCORD_TITLE_MAX);
    expect((embed.description ?? '').length).toBeLessThanOrEqual(DISCORD_DESCRIPTION_MAX);
    expect((embed.footer?.text ?? '').length).toBeLessThanOrEqual(DISCORD_FOOTER_MAX);
    expect((embed.fields ?? []).length).toBeLessThanOrEqual(DISCORD_FIELDS_MAX);
    total += (embed.title ?? '').length + (embed.description ?? '').length + (embed.footer?.text ?? '').length;
    total += (embed.author?.name ?? '').length;
    for (const f of embed.fields ?? []) {
      expect(f.name.length).toBeLessThanOrEqual(DISCORD_FIELD_NAME_MAX);
      expect(f.value.length).toBeLessThanOrEqual(DISCORD_FIELD_VALUE_MAX);
      total += f.name.length + f.value.length;
    }
  }
  expect(total).toBeLessThanOrEqual(DISCORD_EMBEDS_TOTAL_MAX);
}

function checkPagerDuty(body: any): void {
  expect(body.routing_key).toEqual(expect.any(String));
  expect(['trigger', 'resolve']).toContain(body.event_action);
  expect(body.dedup_key.length).toBeLessThanOrEqual(PAGERDUTY_DEDUP_KEY_MAX);
  if (body.event_action === 'trigger') {
    expect(chars(body.payload.summary)).toBeLessThanOrEqual(PAGERDUTY_SUMMARY_MAX);
    expect(PAGERDUTY_SEVERITIES).toContain(body.payload.severity);
  }
}

/** The vendor's documented limits, checked on the body as sent. */
const LIMITS: Record<TransformerName, (body: any, raw: string) => void> = {
  generic: (body) => expect(body.event).toEqual(expect.any(String)),
  slack: checkSlack,
  teams: (body, raw) => {
    expect(bytes(raw)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
  },
  discord: checkDiscord,
  pagerduty: checkPagerDuty,
  'google-chat': (body, raw) => {
    expect(bytes(raw)).toBeLessThanOrEqual(GOOGLE_CHAT_MAX_BYTES);
    expect(body.cardsV2).toHaveLength(1);
  },
};

const CASES = TRANSFORMER_NAMES.flatMap((name) => EVENT_TYPES.map((type) => [name, type] as const));

describe('golden files: every transformer × every fixture event', () => {
  it.each(CASES)('%s / %s renders as test/fixtures/expected', (name, type) => {
    // The fixtures' context is fixed (appUrl, publicUrl, webhook and delivery ids); Slack has no
    // bot token so it renders in incoming-webhook mode; PagerDuty has a fixed routing key.
    const rendered = render(name, structuredClone(SAMPLE_EVENTS[type]));
    const body = JSON.parse(rendered.body);
    expect(rendered.templateError).toBeUndefined();
    LIMITS[name](body, rendered.body);

    const file = `${DIR}${name}/${type}.json`;
    if (UPDATE) {
      mkdirSync(`${DIR}${name}`, { recursive: true });
      writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    }
    // A missing file is a failure, not a skip: run with UPDATE_GOLDEN=1 to create it.
    expect(existsSync(file)).toBe(true);
    expect(body).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });

  it('holds no stale golden file for a transformer or event that no longer exists', () => {
    const found = readdirSync(DIR).flatMap((name) => readdirSync(`${DIR}${name}`).map((file) => `${name}/${file}`));
    expect(found.sort()).toEqual(CASES.map(([name, type]) => `${name}/${type}.json`).sort());
  });
});
