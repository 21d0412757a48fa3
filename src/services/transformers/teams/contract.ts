// Test-only (shared/contract.ts): a Workflows URL, Microsoft's Adaptive Cards library as the
// checker, the 202 a flow answers and Teams' status column.
import { createRequire } from 'node:module';
import type * as AdaptiveCardsTypes from 'adaptivecards';
import { bytes, CHAT_ANSWERS, parsed, rule, sameJson, type TargetContract } from '../shared/contract.js';

// The package's `main` is ES modules without file extensions (for bundlers); its UMD bundle is the
// same library and loads in Node as it is. Parsing and validating need no DOM: only rendering does.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsTypes;

// What a Workflows post takes (shared/TARGETS.md): one Adaptive Card 1.4 in a message envelope, at
// most 28 KB, and some tenants refuse well under it (aim for 20 KB).
const MESSAGE_BYTES = 28_000;
const AIM_BYTES = 20_000;

const SIG = 'Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLzXcVbNm';
const HOOK = `https://prod-11.westus.logic.azure.com:443/workflows/abc123/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${SIG}`;

/** The library's parse events and validation failures for the card, as a Teams client would read it (1.4). */
export function adaptiveCardProblems(content: unknown): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_4);
  card.parse(content, context);
  const parsedEvents = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i));
  const validated = card.validateProperties().validationEvents;
  const problems = [...parsedEvents, ...validated].map((e) => `${AC.ValidationEvent[e.event]}: ${e.message}`);
  // What the library read back out must be the whole card: a property it does not know (a typo,
  // something from a later version) is dropped silently by parse, and shows here.
  const read = card.toJSON(new AC.SerializationContext(AC.Versions.v1_4));
  if (!sameJson(read, content)) {
    problems.push(`the card read back differs: ${JSON.stringify(read).slice(0, 400)}`);
  }
  return problems;
}

export const contract: TargetContract = {
  hookUrl: HOOK,
  settings: {},
  secrets: [HOOK, SIG],
  // A flow answers 202 Accepted (it posts the card a moment later).
  goodAnswer: { status: 202 },
  check(sent) {
    const problems: string[] = [];
    const bad = rule(problems);
    bad(sent.contentType === 'application/json; charset=utf-8', `content type ${sent.contentType}`);
    bad(bytes(sent.body) <= MESSAGE_BYTES, `${bytes(sent.body)} bytes, over ${MESSAGE_BYTES}`);
    bad(bytes(sent.body) <= AIM_BYTES, `${bytes(sent.body)} bytes, over the ${AIM_BYTES} some tenants take`);
    const message = parsed(sent, problems);
    bad(JSON.stringify(Object.keys(message).sort()) === '["attachments","type"]' && message.type === 'message', 'not a message envelope');
    bad(message.attachments?.length === 1, 'not one attachment');
    const [attachment] = message.attachments ?? [{}];
    bad(attachment.contentType === 'application/vnd.microsoft.card.adaptive' && attachment.contentUrl === null, 'not an Adaptive Card attachment');
    const content = attachment.content ?? {};
    bad(content.$schema === 'http://adaptivecards.io/schemas/adaptive-card.json' && content.type === 'AdaptiveCard' && content.version === '1.4', 'not an Adaptive Card 1.4');
    // Action.Submit does nothing in a Workflows post.
    for (const action of content.actions ?? []) bad(action.type === 'Action.OpenUrl', `action ${action.type}`);
    return [...problems, ...adaptiveCardProblems(content)];
  },
  flood: '{{teams output}}\n{{fence (teams error.message)}}\n{{teams input}}',
  validTemplate: '{{teams @subject}} ({{@status}}) {{duration meta.duration_ms}}',
  // What Power Automate Workflows answers (teams/index.ts).
  answers: { ...CHAT_ANSWERS },
};
