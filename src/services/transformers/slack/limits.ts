// Slack's limits on a message, as data with where Slack documents each (Transformer.limits); the
// numbers are the ones blocks.ts cuts to. Its send rate (Transformer.rate), which the worker paces to.
import type { SendRate, VendorLimit } from '../types.js';
import {
  SLACK_BLOCK_TEXT_BUDGET,
  SLACK_CONTEXT_ELEMENTS_MAX,
  SLACK_FIELD_TEXT_MAX,
  SLACK_HEADER_MAX,
  SLACK_MAX_BLOCKS,
  SLACK_SECTION_FIELDS_MAX,
  SLACK_SECTION_TEXT_MAX,
} from './blocks.js';

const BLOCKS = 'https://api.slack.com/reference/block-kit/blocks';

export const SLACK_LIMITS: readonly VendorLimit[] = [
  { what: 'blocks in a message', max: SLACK_MAX_BLOCKS, unit: 'items', doc: BLOCKS },
  { what: 'header text', max: SLACK_HEADER_MAX, unit: 'characters', doc: `${BLOCKS}#header` },
  { what: 'section text', max: SLACK_SECTION_TEXT_MAX, unit: 'characters', doc: `${BLOCKS}#section` },
  { what: 'section fields', max: SLACK_SECTION_FIELDS_MAX, unit: 'items', doc: `${BLOCKS}#section` },
  { what: 'section field text', max: SLACK_FIELD_TEXT_MAX, unit: 'characters', doc: `${BLOCKS}#section` },
  { what: 'context elements', max: SLACK_CONTEXT_ELEMENTS_MAX, unit: 'items', doc: `${BLOCKS}#context` },
  { what: 'block text in all (msg_blocks_too_long past it)', max: SLACK_BLOCK_TEXT_BUDGET, unit: 'characters', doc: 'https://api.slack.com/methods/chat.postMessage#errors' },
];

/**
 * About one message a second per incoming webhook URL, and (bot mode) per channel for
 * chat.postMessage, with short bursts tolerated; past it Slack answers 429 with Retry-After.
 */
export const SLACK_RATE: SendRate = { requests: 1, perMs: 1_000, per: 'incoming webhook URL, or channel in bot mode', doc: 'https://api.slack.com/apis/rate-limits' };
