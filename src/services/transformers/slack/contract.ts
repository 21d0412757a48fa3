// Test-only (shared/contract.ts): Slack's sample webhook, Block Kit's documented limits as a
// checker (Block Kit has no validator library), Slack's `ok` answer and its status column.
import { CHAT_ANSWERS, chars, parsed, rule, strings, type TargetContract } from '../shared/contract.js';

/**
 * Block Kit's limits for a message, from Slack's reference (api.slack.com/reference/block-kit/blocks,
 * /composition-objects, /methods/chat.postMessage) and shared/TARGETS.md: the vendor's numbers
 * written again, not the transformer's constants.
 */
const LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  contextElements: 10,
  /** Any text object: at least 1 character, at most 3000. */
  textObject: 3000,
  blockId: 255,
  /** Top-level text: Slack asks for at most 4000 characters (and truncates at 40,000). */
  messageText: 4000,
  /** Actions block: at most 25 elements; a button's text at most 75, its value 2000, action_id 255. */
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  /** About 12,000 characters of block text in all before msg_blocks_too_long. */
  messageBlockText: 12_000,
} as const;

export const SLACK_HOOK = 'https://hooks.slack.com/services/T0ABCDEFG/B0HIJKLMN/Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2';

/** What breaks a Block Kit rule in a message, one line each (empty: none). */
export function slackProblems(message: any): string[] {
  const problems: string[] = [];
  const bad = rule(problems);
  const textObject = (t: any, at: string, max: number, types: string[]) => {
    bad(t !== null && typeof t === 'object' && types.includes(t.type), `${at}: a ${types.join('|')} text object`);
    bad(typeof t?.text === 'string' && chars(t.text) >= 1, `${at}: empty text`);
    bad(typeof t?.text === 'string' && chars(t.text) <= Math.min(max, LIMITS.textObject), `${at}: ${chars(t?.text ?? '')} characters, over ${max}`);
  };
  bad(typeof message.text === 'string' && message.text.trim() !== '', 'text: the notification fallback is missing');
  bad(chars(message.text ?? '') <= LIMITS.messageText, `text: over ${LIMITS.messageText} characters`);
  bad(Array.isArray(message.blocks) && message.blocks.length >= 1, 'blocks: none');
  bad((message.blocks ?? []).length <= LIMITS.blocksPerMessage, `blocks: ${message.blocks?.length}, over ${LIMITS.blocksPerMessage}`);
  let blockText = 0;
  for (const [i, block] of (message.blocks ?? []).entries()) {
    const at = `blocks[${i}]`;
    if (block.block_id !== undefined) bad(chars(block.block_id) <= LIMITS.blockId, `${at}.block_id: too long`);
    if (block.type === 'header') {
      textObject(block.text, `${at}.text`, LIMITS.headerText, ['plain_text']);
    } else if (block.type === 'section') {
      bad(block.text !== undefined || block.fields !== undefined, `${at}: a section needs text or fields`);
      if (block.text !== undefined) textObject(block.text, `${at}.text`, LIMITS.sectionText, ['mrkdwn', 'plain_text']);
      if (block.fields !== undefined) {
        bad(block.fields.length >= 1 && block.fields.length <= LIMITS.sectionFields, `${at}.fields: ${block.fields.length} fields`);
        for (const [j, field] of block.fields.entries()) textObject(field, `${at}.fields[${j}]`, LIMITS.sectionFieldText, ['mrkdwn', 'plain_text']);
      }
    } else if (block.type === 'context') {
      bad(block.elements.length >= 1 && block.elements.length <= LIMITS.contextElements, `${at}.elements: ${block.elements.length}`);
      for (const [j, element] of block.elements.entries()) textObject(element, `${at}.elements[${j}]`, LIMITS.textObject, ['mrkdwn', 'plain_text']);
    } else if (block.type === 'actions') {
      bad(block.elements.length >= 1 && block.elements.length <= LIMITS.actionsElements, `${at}.elements: ${block.elements.length}`);
      for (const [j, element] of block.elements.entries()) {
        const e = `${at}.elements[${j}]`;
        bad(element.type === 'button', `${e}: element type ${element.type} is not one this check knows`);
        textObject(element.text, `${e}.text`, LIMITS.buttonText, ['plain_text']);
        bad(typeof element.action_id === 'string' && chars(element.action_id) <= LIMITS.actionId, `${e}.action_id: missing or too long`);
        if (element.value !== undefined) bad(typeof element.value === 'string' && chars(element.value) <= LIMITS.buttonValue, `${e}.value: over ${LIMITS.buttonValue} characters`);
      }
    } else if (block.type !== 'divider') {
      problems.push(`${at}: block type ${block.type} is not one this check knows`);
    }
    for (const [, text] of strings(block)) blockText += chars(text);
  }
  bad(blockText <= LIMITS.messageBlockText, `blocks: ${blockText} characters of text, over ${LIMITS.messageBlockText}`);
  return problems;
}

export const contract: TargetContract = {
  hookUrl: SLACK_HOOK,
  settings: {},
  secrets: [SLACK_HOOK, 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2'],
  // https://api.slack.com/messaging/webhooks : 200 with the body `ok`.
  goodAnswer: { status: 200, contentType: 'text/plain', body: 'ok' },
  check(sent) {
    const problems: string[] = [];
    const message = parsed(sent, problems);
    return [...problems, ...slackProblems(message)];
  },
  flood: '{{slack output}}\n{{fence (slack error.message)}}\n{{slack input}}',
  validTemplate: '{{#if output}}*Out:* {{slack (truncate output 100)}}{{/if}} {{@title}} {{@links.chatflow}} {{escapeSlack user}}',
  // https://api.slack.com/messaging/webhooks#handling_errors (slack/answers.ts).
  answers: { ...CHAT_ANSWERS },
};
