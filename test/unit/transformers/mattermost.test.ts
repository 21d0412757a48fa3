// Mattermost: what the contract suite does not ask of every target. Its answers read the error id
// of a 400 (a deleted webhook answers 400 like a bad body), and event text cannot mention a whole
// channel, link, or format in the post (escapeMattermost), while addresses and code stay as written.
import { describe, expect, it } from '@jest/globals';
import { decide } from '../../../src/services/delivery/retry-policy.js';
import { TRANSFORMERS } from '../../../src/services/transformers/index.js';
import type { TargetResponse } from '../../../src/services/transformers/types.js';
import { contract } from '../../../src/services/transformers/mattermost/contract.js';
import { eventWith, hugeOutput, json, render } from '../../helpers/transformer-fixtures.js';

const response = (status: number, body = '', headers: Record<string, string> = {}): TargetResponse => ({ status, body, headers });
const answer = (res: TargetResponse) => decide(res, TRANSFORMERS.mattermost.answers);
const appError = (id: string, status: number) => JSON.stringify({ id, message: 'm', detailed_error: '', request_id: 'r', status_code: status });

describe('mattermost answers', () => {
  it('a 400 for a webhook id the server does not know disables, naming the error id', () => {
    expect(answer(response(400, appError('web.incoming_webhook.invalid.app_error', 400)))).toMatchObject({
      outcome: 'disable',
      reason: expect.stringContaining('web.incoming_webhook.invalid.app_error'),
    });
  });

  it('a 400 for the body refuses this message only', () => {
    expect(answer(response(400, appError('web.incoming_webhook.text.app_error', 400)))).toMatchObject({ outcome: 'refuse' });
    expect(answer(response(400, 'not json'))).toMatchObject({ outcome: 'refuse' });
  });

  it('incoming webhooks turned off on the server (501) disable; a 429 waits for Retry-After', () => {
    expect(answer(response(501, appError('web.incoming_webhook.disabled.app_error', 501)))).toMatchObject({ outcome: 'disable' });
    expect(answer(response(429, '', { 'retry-after': '3' }))).toMatchObject({ outcome: 'retry', retryAfterMs: 3000 });
  });
});

describe('mattermost text', () => {
  it('channel-wide mentions, Slack-style mentions and links in event text stay text', () => {
    const body = json(render('mattermost', eventWith('flow_completed', { chatflowName: '@channel bot', input: '<!here> <https://evil.example|x>', output: '@all look' })));
    // Outside code: escaped. The output is in a code block, which the server leaves out of mentions.
    expect(body.text).toBe('✅ Flow completed: @\u200bchannel bot');
    expect(body.attachments[0].text).toContain('&lt;\\!here&gt; &lt;https://evil.example\\|x&gt;');
    expect(body.attachments[0].text).toContain('```\n@all look\n```');
    expect(contract.check({ body: JSON.stringify(body), contentType: 'application/json' })).toEqual([]);
  });

  it('an address keeps its @, and markdown in a name is shown, not applied', () => {
    const body = json(render('mattermost', eventWith('error_occurred', { user: 'alice@company.com', chatflowName: '**Support** [x](https://evil.example)' })));
    const fields = body.attachments[0].fields.map((f: { value: string }) => f.value).join('\n');
    expect(fields).toContain('alice@company.com');
    expect(fields).toContain('\\*\\*Support\\*\\* \\[x\\]\\(https://evil.example\\)');
  });

  it('a long output is cut to the attachment budget and says so; the links stay', () => {
    const rendered = render('mattermost', eventWith('flow_completed', { output: hugeOutput(50_000) }));
    const text: string = json(rendered).attachments[0].text;
    expect(Array.from(text).length).toBeLessThanOrEqual(8_000);
    expect(text).toMatch(/\[Open chatflow\]\(https:\/\/app\.forjinn\.example\/canvas\/[^)]+\)/);
  });
});
