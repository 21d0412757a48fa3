import { describe, expect, it } from '@jest/globals';
import { embedLength } from 'discord.js';
import { discord } from '../../../src/services/transformers/discord/index.js';
import { DISCORD_HOOK, eventWith, hugeOutput, json, render } from '../../helpers/transformer-fixtures.js';

describe('discord', () => {
  it('keeps the embed within 6000 characters with a 20,000-character output', () => {
    const rendered = render('discord', eventWith('flow_completed', { output: hugeOutput(20_000) }));
    const [embed] = json(rendered).embeds;
    expect(embedLength(embed)).toBeLessThanOrEqual(6000);
    expect(embed.description.length).toBeLessThanOrEqual(4096);
    expect(embed.description.split('```').length % 2).toBe(1);
    expect(rendered.truncated).toContain('embeds[0].description');
  });

  it('gives the description only what is left of 6000 when other fields are long', () => {
    const rendered = render('discord', eventWith('flow_completed', { chatflowName: 'n'.repeat(1000), output: hugeOutput(20_000) }));
    const [embed] = json(rendered).embeds;
    expect(embedLength(embed)).toBeLessThanOrEqual(6000);
    expect(rendered.truncated).toEqual(expect.arrayContaining(['embeds[0].title', 'embeds[0].fields[0].value']));
  });

  it('never pings: allowed_mentions parse [] whatever the output says', () => {
    const body = json(render('discord', eventWith('flow_completed', { output: '@everyone <@&123456> look' })));
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('escapes markdown in names but not inside the output code block', () => {
    const body = json(render('discord', eventWith('flow_completed', { input: '**bold** [x](https://evil.example)', output: 'a *b* ```c```' })));
    const description: string = body.embeds[0].description;
    expect(description).toContain('\\*\\*bold\\*\\*');
    expect(description).toContain('\\[x](https://evil.example)');
    expect(description).not.toMatch(/(?<!\\)\[x\]\(/);
    expect(description).toContain('a *b*');
    expect(description.split('```').length).toBe(3);
  });

  it('asks Discord to wait, so a failure is an error status', () => {
    const rendered = render('discord', eventWith('flow_completed'));
    expect(rendered.url).toBe(`${DISCORD_HOOK}?wait=true`);
  });

  it('uses the configured name and avatar', () => {
    const body = json(render('discord', eventWith('flow_completed'), { config: { username: 'Ops bot', avatarUrl: 'https://cdn.example/a.png' } }));
    expect(body).toMatchObject({ username: 'Ops bot', avatar_url: 'https://cdn.example/a.png' });
  });

  it.each([
    [{ username: 'My Discord bot' }, 'username'],
    [{ username: '' }, 'username'],
    [{ username: 'x'.repeat(81) }, 'username'],
    [{ avatarUrl: 'http://insecure.example/a.png' }, 'avatarUrl'],
    [{ color: 'red' }, 'color'],
  ])('refuses %j naming field %s', (raw, field) => {
    expect(() => discord.parseConfig(raw)).toThrow(expect.objectContaining({ code: 'invalid_config', field }));
  });

  it('refuses Discord URLs that are not execute-webhook URLs', () => {
    expect(() => discord.checkUrl?.(new URL(`${DISCORD_HOOK}/slack`), { username: 'x' })).toThrow(
      expect.objectContaining({ code: 'invalid_url' }),
    );
    expect(() => discord.checkUrl?.(new URL(DISCORD_HOOK), { username: 'x' })).not.toThrow();
    expect(() => discord.checkUrl?.(new URL('http://127.0.0.1:8080/hook'), { username: 'x' })).not.toThrow();
  });
});
