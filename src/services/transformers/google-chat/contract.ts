// Test-only (shared/contract.ts): a Google Chat webhook with a thread key, Chat's documented
// message size as the checker (no validator library), its 200, and its status column.
import { bytes, CHAT_ANSWERS, parsed, rule, type TargetContract } from '../shared/contract.js';

// https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages/create :
// "The maximum message size, including text and cards, is 32,000 bytes."
const MESSAGE_BYTES = 32_000;

const KEY = 'AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI';
const TOKEN = 'Tk9_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';
export const CHAT_HOOK = `https://chat.googleapis.com/v1/spaces/AAAA1234/messages?key=${KEY}&token=${TOKEN}`;

export const contract: TargetContract = {
  hookUrl: CHAT_HOOK,
  settings: { threadKey: '{{chatflowId}}' },
  secrets: [CHAT_HOOK, TOKEN],
  goodAnswer: { status: 200, contentType: 'application/json', body: JSON.stringify({ name: 'spaces/AAAA/messages/1' }) },
  check(sent) {
    const problems: string[] = [];
    const bad = rule(problems);
    bad(bytes(sent.body) <= MESSAGE_BYTES, `${bytes(sent.body)} bytes, over ${MESSAGE_BYTES}`);
    const body = parsed(sent, problems);
    bad(typeof body.text === 'string', 'no text');
    bad(body.cardsV2?.length === 1, 'not one card');
    bad(typeof body.cardsV2?.[0]?.card?.header?.title === 'string' && body.cardsV2[0].card.header.title !== '', 'no card title');
    bad(body.cardsV2?.[0]?.card?.sections?.length > 0, 'no card section');
    return problems;
  },
  flood: '{{html output}}\n{{html error.message}}\n{{html input}}',
  validTemplate: '<b>{{html @headline}}</b>{{#if (eq event "error_occurred")}} {{html error.code}}{{/if}} {{chattext user}}',
  // https://developers.google.com/workspace/chat/api/reference/rest (google-chat/index.ts).
  answers: { ...CHAT_ANSWERS },
};
