// Turns what Handlebars throws into one line a person can act on, with the line and column.
// Handlebars reports locations three ways: compile and strict-mode errors carry lineNumber and
// (0-based) column; syntax errors come from its generated parser as plain text, with the position
// left in the parser's lexer; a path through a missing object fails as a bare TypeError.
import { hbs } from './helpers.js';

interface Located {
  line: number;
  column: number;
}

const at = (loc: Located | undefined): string => (loc ? `line ${loc.line}, column ${loc.column}: ` : '');

/** Where the lexer stopped: the token the parser choked on. Read right after the synchronous throw. */
function lexerLocation(): Located | undefined {
  // Handlebars.create() exposes its parser, but its typings do not declare it.
  const env = hbs as unknown as { Parser?: { lexer?: { yylloc?: { first_line: number; first_column: number } } } };
  const loc = env.Parser?.lexer?.yylloc;
  return loc ? { line: loc.first_line, column: loc.first_column + 1 } : undefined;
}

function locate(source: string, index: number): Located {
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

/** Comments may hold anything; blank them out, keeping positions, before scanning for blocks. */
function withoutComments(source: string): string {
  return source.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, (comment) => comment.replace(/[^\n]/g, ' '));
}

/** The innermost block opened and never closed: the parser only says "got EOF" at the end. */
function findUnclosedBlock(source: string): (Located & { name: string }) | undefined {
  const stack: Array<{ name: string; index: number }> = [];
  const tag = /\{\{~?\s*([#^/])\s*>?\s*([^\s}~()]+)/g;
  const text = withoutComments(source);
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    const [, kind, name] = match;
    if (kind === '/') {
      let open = stack.length - 1;
      while (open >= 0 && stack[open].name !== name) open -= 1;
      if (open >= 0) stack.splice(open);
    } else {
      stack.push({ name, index: match.index });
    }
  }
  const open = stack.at(-1);
  return open ? { name: open.name, ...locate(source, open.index) } : undefined;
}

export function describeTemplateError(err: unknown, source: string): string {
  const message = err instanceof Error ? err.message : String(err);

  const syntax = /^Parse error on line \d+:\n[\s\S]*?\n-*\^\n([\s\S]*)$/.exec(message);
  if (syntax) {
    const expected = syntax[1];
    if (/got 'EOF'/.test(expected)) {
      const open = findUnclosedBlock(source);
      if (open) return `${at(open)}{{#${open.name}}} is never closed (add {{/${open.name}}})`;
    }
    const got = /got '([^']+)'/.exec(expected)?.[1];
    if (got === 'CLOSE_UNESCAPED') {
      // `{"a": {{json x}}}` — JSON's closing brace joins the mustache's into `}}}`.
      return `${at(lexerLocation())}"}}}" closes a {{{triple}}} tag; before a JSON closing brace leave a space: {{json x}} }`;
    }
    return `${at(lexerLocation())}syntax error${got ? ` (unexpected ${got === 'EOF' ? 'end of template' : got})` : ''}`;
  }

  const located = err as { lineNumber?: unknown; column?: unknown };
  if (typeof located.lineNumber === 'number') {
    const loc = { line: located.lineNumber, column: (typeof located.column === 'number' ? located.column : 0) + 1 };
    const missing = /^"([^"]+)" not defined in/.exec(message);
    const detail = missing
      ? `"${missing[1]}" is not a field of this event (use {{#if ${missing[1]}}} or {{default ${missing[1]} "…"}} for optional fields)`
      : message.replace(/ - \d+:\d+$/, '');
    return `${at(loc)}${detail}`;
  }

  // `a.b.c` where `a.b` is missing: Handlebars' strict lookup reads a property of undefined.
  const property = /reading '([^']+)'/.exec(message)?.[1];
  if (property) {
    const index = withoutComments(source).search(new RegExp(`\\.${property.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`));
    const loc = index >= 0 ? locate(source, index + 1) : undefined;
    return `${at(loc)}"${property}" is read from a field this event does not have (guard it with {{#if}} or {{#with}})`;
  }
  return message;
}
