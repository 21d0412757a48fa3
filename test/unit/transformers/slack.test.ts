import { describe, expect, it } from '@jest/globals';
import { slackProblems } from '../../../src/services/transformers/slack/contract.js';
import { slack } from '../../../src/services/transformers/slack/index.js';
import { TransformerError } from '../../../src/services/transformers/types.js';
import { BOT_TOKEN, eventWith, hugeOutput, json, render } from '../../helpers/transformer-fixtures.js';

/** Every mrkdwn text in the blocks: where Slack parses control sequences (plain_text it does not). */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (value === null || typeof value !== 'object') return [];
  const node = value as Record<string, unknown>;
  const own = node.type === 'mrkdwn' && typeof node.text === 'string' ? [node.text] : [];
  return [...own, ...Object.values(node).flatMap(mrkdwnTexts)];
}

describe('slack incoming webhook', () => {
  it('sends {text, blocks} with a header, the output, facts and links', () => {
    const body = json(render('slack', eventWith('flow_completed')));
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toBe('✅ Flow completed: Support triage');
    expect(body.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'section', 'context', 'context']);
    expect(body.blocks[1].text.text).toContain('The customer cannot export invoices');
    const fields = body.blocks[2].fields.map((f: { text: string }) => f.text);
    expect(fields).toContain('*Chatflow*\nSupport triage\n`3f1c2a9e-4b6d-4e8f-9a7b-2c1d0e9f8a7b`');
    expect(fields).toContain('*User*\nalice@company.com');
    expect(fields).toContain('*Duration*\n1.5 s');
    expect(fields).toContain('*Tokens*\n320');
  });

  it('neutralises <!here>, user mentions and links in model output and names', () => {
    const event = eventWith('flow_completed', {
      chatflowName: 'Ops <!channel>',
      output: 'Hey <!here> ask <@U024BE7LH> or <https://evil.example|click here> & "quote"',
    });
    const body = json(render('slack', event));
    const texts = mrkdwnTexts(body.blocks);
    expect(texts.length).toBeGreaterThan(3);
    for (const text of [...texts, body.text]) {
      expect(text).not.toMatch(/<!here>|<!channel>|<@U024BE7LH>|<https:\/\/evil/);
    }
    expect(body.blocks[1].text.text).toContain('&lt;!here&gt; ask &lt;@U024BE7LH&gt; or &lt;https://evil.example|click here&gt; &amp; "quote"');
    expect(body.text).toBe('✅ Flow completed: Ops &lt;!channel&gt;');
  });

  it('cuts a long output to the 3000-character section, closes the code fence and reports the block', () => {
    const rendered = render('slack', eventWith('flow_completed', { output: hugeOutput(20_000) }));
    const section = json(rendered).blocks[1].text.text as string;
    expect(Array.from(section).length).toBeLessThanOrEqual(3000);
    expect(section.split('```').length % 2).toBe(1);
    expect(section).not.toMatch(/&[a-z]{0,3}…/);
    expect(section).toContain('…');
    expect(rendered.truncated).toContain('blocks[1].text.text');
  });

  it('cuts a long chatflow name in the 150-character header', () => {
    const rendered = render('slack', eventWith('flow_completed', { chatflowName: '😀'.repeat(400) }));
    const header = json(rendered).blocks[0].text.text as string;
    expect(Array.from(header)).toHaveLength(150);
    expect(header.endsWith('…')).toBe(true);
    expect(header).not.toMatch(/[\uD800-\uDBFF]…/);
    expect(rendered.truncated).toContain('blocks[0].text.text');
  });

  it('posts to the webhook URL as it is, unsigned and without extra headers', () => {
    const rendered = render('slack', eventWith('flow_completed'));
    expect(rendered).toMatchObject({ contentType: 'application/json', headers: {}, signed: false });
    expect(rendered.url).toBeUndefined();
  });
});

describe('slack bot mode', () => {
  const config = { channel: '#alerts' };

  it('posts {channel, text, blocks} to chat.postMessage with the bot token', () => {
    const rendered = render('slack', eventWith('error_occurred'), {
      config,
      ctx: { slackBotToken: BOT_TOKEN, slackApiUrl: 'http://127.0.0.1:9999/api/' },
    });
    expect(rendered.url).toBe('http://127.0.0.1:9999/api/chat.postMessage');
    expect(rendered.headers).toEqual({ Authorization: `Bearer ${BOT_TOKEN}` });
    expect(rendered.contentType).toBe('application/json; charset=utf-8');
    const body = json(rendered);
    expect(body.channel).toBe('#alerts');
    expect(body.blocks.length).toBeGreaterThan(0);
    expect(rendered.body).not.toContain(BOT_TOKEN);
  });

  it('an event of a chatflow carries the "Mute this chatflow 1h" button naming the webhook and the chatflow; within Block Kit limits', () => {
    const hook = '8d3c5b0e-2f4a-4e1b-9c7d-1a2b3c4d5e6f';
    const body = json(render('slack', { ...eventWith('error_occurred'), chatflowId: 'cf-mute-1' }, { config, ctx: { slackBotToken: BOT_TOKEN, webhookId: hook } }));
    expect(body.blocks.at(-1)).toEqual({
      type: 'actions',
      block_id: 'forjinn_alert_actions',
      elements: [{ type: 'button', action_id: 'forjinn_mute_chatflow', text: { type: 'plain_text', text: 'Mute this chatflow 1h' }, value: `${hook} cf-mute-1` }],
    });
    expect(slackProblems(body)).toEqual([]);
    // No chatflow (an agent's event), or an incoming webhook (its clicks never reach the app): no button.
    const noChatflow = json(render('slack', { ...eventWith('error_occurred'), chatflowId: undefined, agentId: 'agent-1' }, { config, ctx: { slackBotToken: BOT_TOKEN, webhookId: hook } }));
    expect(noChatflow.blocks.some((b: { type: string }) => b.type === 'actions')).toBe(false);
    const incoming = json(render('slack', { ...eventWith('error_occurred'), chatflowId: 'cf-mute-1' }, { ctx: { webhookId: hook } }));
    expect(incoming.blocks.some((b: { type: string }) => b.type === 'actions')).toBe(false);
    // A chatflow id too long for a button's value (2000): no button rather than a refused message.
    const long = json(render('slack', { ...eventWith('error_occurred'), chatflowId: 'c'.repeat(1990) }, { config, ctx: { slackBotToken: BOT_TOKEN, webhookId: hook } }));
    expect(long.blocks.some((b: { type: string }) => b.type === 'actions')).toBe(false);
    expect(slackProblems(long)).toEqual([]);
  });

  it('defaults to https://slack.com/api', () => {
    const rendered = render('slack', eventWith('flow_completed'), { config, ctx: { slackBotToken: BOT_TOKEN } });
    expect(rendered.url).toBe('https://slack.com/api/chat.postMessage');
  });

  it('refuses to render without SLACK_BOT_TOKEN', () => {
    const attempt = () => render('slack', eventWith('flow_completed'), { config, ctx: { slackBotToken: undefined } });
    expect(attempt).toThrow(TransformerError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'render_error', field: 'channel' }));
  });
});

describe('slack settings and URL', () => {
  it('accepts channel ids and names', () => {
    expect(slack.parseConfig({ channel: 'C0123ABCD' })).toEqual({ channel: 'C0123ABCD' });
    expect(slack.parseConfig({ channel: '#alerts' })).toEqual({ channel: '#alerts' });
    expect(slack.parseConfig(undefined)).toEqual({});
  });

  it.each([[{ channel: 'Not A Channel!' }, 'channel'], [{ channel: 42 }, 'channel'], [{ chanel: '#x' }, 'chanel']])(
    'refuses %j naming field %s',
    (raw, field) => {
      expect(() => slack.parseConfig(raw)).toThrow(expect.objectContaining({ code: 'invalid_config', field }));
    },
  );

  it('refuses Workflow Builder URLs in webhook mode only', () => {
    const url = new URL('https://hooks.slack.com/triggers/T0/123/abc');
    expect(() => slack.checkUrl?.(url, {})).toThrow(expect.objectContaining({ code: 'invalid_url', field: 'url' }));
    expect(() => slack.checkUrl?.(url, { channel: '#x' })).not.toThrow();
    expect(() => slack.checkUrl?.(new URL('https://hooks.slack.com/services/T0/B0/x'), {})).not.toThrow();
  });
});
