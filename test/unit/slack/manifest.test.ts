// The manifest users paste into api.slack.com must point Slack at the route the app listens on,
// name the command the help describes, and ask for the scopes the app uses.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { USAGE } from '../../../src/doors/slack/messages.js';

const manifest = readFileSync(new URL('../../../slack/manifest.yml', import.meta.url), 'utf8');
const values = (key: string) => [...manifest.matchAll(new RegExp(`^\\s*-?\\s*${key}:\\s*(\\S+)`, 'gm'))].map((m) => m[1]);

describe('slack/manifest.yml', () => {
  test('the command and button clicks go to POST /slack/events', () => {
    expect(values('url')).toEqual(['https://webhooks.example.com/slack/events']);
    expect(values('request_url')).toEqual(['https://webhooks.example.com/slack/events']);
    expect(manifest).toMatch(/interactivity:\s*\n\s*is_enabled: true/);
  });

  test('the command is the one the help and usage lines name', () => {
    expect(values('command')).toEqual(['/forjinn']);
    for (const line of Object.values(USAGE)) expect(line.startsWith('/forjinn ')).toBe(true);
  });

  test('asks for exactly the bot scopes the app uses', () => {
    const scopes = manifest.split('bot:')[1].split('settings:')[0].match(/^\s*- (\S+)$/gm)!.map((s) => s.trim().slice(2));
    expect(scopes).toEqual(['commands', 'chat:write', 'chat:write.public']);
    expect(manifest).toMatch(/socket_mode_enabled: false/);
  });
});
