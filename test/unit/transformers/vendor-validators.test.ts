// Every target's payloads checked by its contract.ts checker: the vendor's own code where a library
// exists, the vendor's documented numbers where none does (Teams cards through Microsoft's
// `adaptivecards` parser and validator, Discord embeds rebuilt through @discordjs/builders with
// its validators on, Slack, PagerDuty and Google Chat through their documented limits). No checker
// imports a transformer's own limit constants: a wrong constant in the code under test fails here.
// Each target is rendered for every event type: the default rendering, a Send Test, and the
// largest event ingest accepts, by the default template and by its contract's flood template,
// which puts all of the text in (what the cuts must bring back within the limits).
import { describe, expect, it } from '@jest/globals';
import { rebuildEmbed } from '../../../src/services/transformers/discord/contract.js';
import { slackProblems } from '../../../src/services/transformers/slack/contract.js';
import { adaptiveCardProblems } from '../../../src/services/transformers/teams/contract.js';
import { eventWith, json, render } from '../../helpers/transformer-fixtures.js';
import { describeVendorRules, REGISTERED } from '../../helpers/target-contract.js';

describe('vendor payloads, checked by the vendors\' own rules', () => {
  for (const [name, target] of REGISTERED) describeVendorRules(name, target);
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

  it('every target\'s checker refuses a body that is not its vendor\'s', () => {
    for (const [name, { contract }] of REGISTERED) {
      expect([name, contract.check({ body: '{"nothing": true}', contentType: 'text/plain' }).length > 0]).toEqual([name, true]);
    }
  });
});
