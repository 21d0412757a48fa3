// Slash command text as Slack sends it: entities, wrapped links, quotes; flags and their errors.
import { describe, expect, test } from '@jest/globals';
import { listFlag, parseFlags, tokenize, UsageError } from '../../../src/doors/slack/parse.js';

describe('tokenize', () => {
  test('splits on white space of any kind', () => {
    expect(tokenize('  webhook   add\thttps://a.example/x  flow_completed ')).toEqual(['webhook', 'add', 'https://a.example/x', 'flow_completed']);
    expect(tokenize('')).toEqual([]);
  });

  test('unwraps links Slack wrapped, with or without a label', () => {
    expect(tokenize('add <https://a.example/hook?x=1&amp;y=2>')).toEqual(['add', 'https://a.example/hook?x=1&y=2']);
    expect(tokenize('add <https://a.example/hook|a.example/hook>')).toEqual(['add', 'https://a.example/hook']);
  });

  test('decodes the entities Slack escapes', () => {
    expect(tokenize('--secret a&amp;b&lt;c&gt;d')).toEqual(['--secret', 'a&b<c>d']);
  });

  test('keeps quoted words together, straight or curly quotes', () => {
    expect(tokenize('--chatflow "my flow" x')).toEqual(['--chatflow', 'my flow', 'x']);
    expect(tokenize('--chatflow “my flow”')).toEqual(['--chatflow', 'my flow']);
  });
});

describe('parseFlags', () => {
  const options = { chatflow: { type: 'string' as const, multiple: true }, secret: { type: 'string' as const } };

  test('reads flags in both spellings and positionals around them', () => {
    const { values, positionals } = parseFlags(['https://x', '--chatflow=a', 'flow_completed', '--chatflow', 'b,c', '--secret', 's'], options, 'usage');
    expect(positionals).toEqual(['https://x', 'flow_completed']);
    expect(listFlag(values.chatflow)).toEqual(['a', 'b', 'c']);
    expect(values.secret).toBe('s');
  });

  test('an unknown flag or a missing value is a usage error with a short message', () => {
    const unknown = (() => {
      try {
        parseFlags(['--colour', 'red'], options, 'the usage');
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(unknown).toBeInstanceOf(UsageError);
    expect(unknown!.message).toBe("Unknown option '--colour'");
    expect(unknown!.usage).toBe('the usage');
    expect(() => parseFlags(['--secret'], options, 'u')).toThrow(/--secret/);
  });
});
