// Test-only (shared/contract.ts): a Mattermost incoming webhook, the server's documented and coded
// limits as the checker (no validator library), its `ok`, and its status column.
import { chars, CHAT_ANSWERS, parsed, rule, type TargetContract } from '../shared/contract.js';

// https://developers.mattermost.com/integrate/webhooks/incoming/ (16,383 characters a post since
// server 5.0, model.PostMessageMaxRunesV2) and model.PostPropsMaxUserRunes (760,000) for the
// attachments, which the server keeps in the post's props.
const TEXT_MAX = 16_383;
const PROPS_MAX = 760_000;
const HEX = /^#[0-9a-f]{6}$/i;

// The server's own way to leave code out of mentions (removeCodeFromMessage in
// server/channels/app/notification.go), then a channel-wide mention left in the text.
const withoutCode = (text: string): string => text.replace(/^[^\S\n]*[`~]{3}.*$[\s\S]+?(^[^\S\n]*[`~]{3}$|$(?![\s\S]))/gm, '').replace(/`+(?:.+?|.*?\n(.*?\S.*?\n)*.*?)`+/g, ' ');
const MENTION = /(^|[^\p{L}\p{N}_])@(here|channel|all)(?![\p{L}\p{N}_])/iu;

const ID = 'x7pd1gbpjt8ymcsxm8wtzu9uhw';
export const MATTERMOST_HOOK = `https://chat.example.com/hooks/${ID}`;

export const contract: TargetContract = {
  hookUrl: MATTERMOST_HOOK,
  settings: {},
  secrets: [MATTERMOST_HOOK, ID],
  goodAnswer: { status: 200, contentType: 'text/plain', body: 'ok' },
  check(sent) {
    const problems: string[] = [];
    const bad = rule(problems);
    const body = parsed(sent, problems);
    bad(typeof body.text === 'string' && body.text !== '', 'no text');
    bad(chars(body.text ?? '') <= TEXT_MAX, `text of ${chars(body.text ?? '')} characters, over ${TEXT_MAX}: split into several posts`);
    const attachments: any[] = body.attachments ?? [];
    bad(chars(JSON.stringify(attachments)) <= PROPS_MAX, 'attachments over the server\'s props limit');
    for (const [i, a] of attachments.entries()) {
      bad(typeof a.fallback === 'string' && a.fallback !== '', `attachments[${i}] has no fallback (required)`);
      bad(a.color === undefined || HEX.test(a.color), `attachments[${i}].color is not a hex color`);
    }
    for (const [where, text] of [['text', body.text], ...attachments.map((a, i) => [`attachments[${i}].text`, a.text])] as Array<[string, unknown]>) {
      if (typeof text === 'string' && MENTION.test(withoutCode(text))) problems.push(`${where} mentions a whole channel`);
    }
    return problems;
  },
  flood: '{{mattermost output}}\n{{fence error.message}}\n{{mattermost input}}',
  validTemplate: '**{{mattermost (default chatflowName "none")}}**{{#with error}} `{{code}}` {{mattermost message}}{{/with}}',
  // HandleIncomingWebhook in server/channels/app/webhook.go (mattermost/index.ts): no 401 is
  // ever sent, so it is the shared table's refuse.
  answers: { ...CHAT_ANSWERS, 401: 'refuse' },
};
