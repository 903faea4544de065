import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { fencedBlock, inlineCode, inlineText, quotedMarkdown } from './markdown-text.js';

/**
 * Each helper is checked by parsing its output with a CommonMark parser
 * that lets raw HTML through and knows GitHub's tables and strikethrough,
 * the most permissive reader a report is likely to meet.
 */
const md = new MarkdownIt({ html: true, linkify: false });

type Token = ReturnType<typeof md.parse>[number];

const parse = (source: string): Token[] => md.parse(source, {});
/** The block structure: token types outside inline content, e.g. ['heading_open', 'inline', 'heading_close']. */
const blocks = (source: string): string[] => parse(source).map((token) => token.type);
/** Child token types of every inline run. */
const inlineTypes = (source: string): string[] =>
  parse(source)
    .filter((token) => token.type === 'inline')
    .flatMap((token) => (token.children ?? []).map((child) => child.type));
const inlineContent = (source: string): string =>
  parse(source)
    .filter((token) => token.type === 'inline')
    .flatMap((token) => (token.children ?? []).map((child) => child.content))
    .join('');

/** A small seeded generator, so a failing fuzz case can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function randomText(next: () => number, alphabet: string[], maxLength: number): string {
  const length = Math.floor(next() * maxLength);
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
  return text;
}

const HOSTILE = [
  '# Heading',
  '## Injected\n# Another',
  '1. one',
  '2) two',
  '- dash',
  '+ plus',
  '* star',
  '> quote',
  '```js',
  '~~~',
  '    indented code',
  '---',
  '===',
  '***',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<!-- comment',
  '[link](javascript:alert(1))',
  '[ref]: https://evil.example',
  '![image](https://evil.example/x.png)',
  '<https://evil.example>',
  '**bold** _em_ __strong__',
  '~~strike~~',
  'a | b\n--|--\nc | d',
  '&lt;&amp;&#x41;',
  'back\\slash\\',
  'hard  \nbreak',
  'line\n# heading\n- item\n> quote',
  '`code` ``more``',
  'Jean-Luc O’Brien',
  'C# developer!',
  '   ',
];

/** The plain text a reader should see: whitespace collapsed, nothing else changed. */
const plain = (text: string) => text.replace(/\s+/g, ' ').trim();

function expectOnlyText(source: string, original: string): void {
  expect(inlineTypes(source).every((type) => type === 'text'), `${JSON.stringify(source)}: ${inlineTypes(source).join(',')}`).toBe(true);
  expect(inlineContent(source)).toBe(plain(original));
}

describe('inlineText', () => {
  it.each(HOSTILE)('keeps %j as one plain line in a heading', (text) => {
    const source = `## ${inlineText(text)}`;
    expect(blocks(source)).toEqual(['heading_open', 'inline', 'heading_close']);
    expectOnlyText(source, text);
  });

  it.each(HOSTILE)('keeps %j as one plain list item, even at its start', (text) => {
    const source = `- ${inlineText(text)}\n- next`;
    const types = blocks(source);
    expect(types.filter((type) => type.endsWith('_open'))).toEqual(
      text.trim() === ''
        ? ['bullet_list_open', 'list_item_open', 'list_item_open', 'paragraph_open']
        : ['bullet_list_open', 'list_item_open', 'paragraph_open', 'list_item_open', 'paragraph_open'],
    );
    expect(inlineTypes(source).every((type) => type === 'text')).toBe(true);
  });

  it('leaves ordinary text readable', () => {
    expect(inlineText('Ada Lovelace (candidate)')).toBe('Ada Lovelace (candidate)');
    expect(inlineText('  Grace\n Hopper ')).toBe('Grace Hopper');
    expect(inlineText('Jean-Luc 2.0')).toBe('Jean-Luc 2.0');
  });

  it('survives random strings of Markdown syntax', () => {
    const next = random(7);
    const alphabet = [...'#*_-+=>`~[]()<>!|&\\:.1 \n\ta', 'http://', '```', '<!--', '-->', '\r\n'];
    for (let i = 0; i < 500; i++) {
      const text = randomText(next, alphabet, 30);
      const source = `### ${inlineText(text)}`;
      expect(blocks(source), JSON.stringify(text)).toEqual(['heading_open', 'inline', 'heading_close']);
      expectOnlyText(source, text);
    }
  });
});

/** The content a code block must show for `input`: the same text, ending in a newline. */
const shown = (input: string) => (input === '' || input.endsWith('\n') ? input : `${input}\n`);

function expectOneFence(source: string, content: string, info = ''): void {
  const tokens = parse(source);
  expect(tokens.map((token) => token.type), JSON.stringify(content)).toEqual(['fence']);
  expect(tokens[0]?.content).toBe(shown(content));
  expect(tokens[0]?.info).toBe(info);
}

describe('fencedBlock', () => {
  it('uses a plain three-backtick fence and the language tag', () => {
    expect(fencedBlock('print(1)\n', 'python')).toBe('```python\nprint(1)\n```');
    expectOneFence(fencedBlock('print(1)\n', 'python'), 'print(1)\n', 'python');
  });

  it('keeps code with fences of its own inside', () => {
    const code = 'doc = """\n```\nnot the end\n````\n"""\n~~~\n````` still not\n';
    const block = fencedBlock(code, 'python');
    expect(block.startsWith('``````python\n')).toBe(true);
    expectOneFence(block, code, 'python');
    // What follows the block is outside it.
    expect(blocks(`${block}\n\n## After`)).toEqual(['fence', 'heading_open', 'inline', 'heading_close']);
  });

  it('keeps blank lines, indentation, trailing spaces and an empty program', () => {
    for (const code of ['', '\n', 'a\n\n\nb', '    indented\n\ttab\n', 'trailing   \n', 'no newline at the end']) {
      expectOneFence(fencedBlock(code), code);
    }
  });

  it('drops characters an info string may not hold', () => {
    expect(fencedBlock('x', 'py`thon <b>')).toBe('```pythonb\nx\n```');
  });

  it('normalizes CR and CRLF line endings', () => {
    expectOneFence(fencedBlock('a\r\nb\rc'), 'a\nb\nc');
  });

  it('survives random programs made of fences and backticks', () => {
    const next = random(11);
    const alphabet = ['`', '``', '```', '````', '~~~', '\n', ' ', '    ', 'x', '#', '>', '<!--'];
    for (let i = 0; i < 500; i++) {
      const code = randomText(next, alphabet, 40);
      expectOneFence(fencedBlock(code, 'javascript'), code, 'javascript');
    }
  });
});

describe('inlineCode', () => {
  it('wraps ids, and code with backticks in longer delimiters', () => {
    expect(inlineCode('abc_DEF-123')).toBe('`abc_DEF-123`');
    for (const text of ['a`b', '``x', 'y`', '`']) {
      const source = `- ${inlineCode(text)}`;
      const code = parse(source).flatMap((token) => token.children ?? []).filter((child) => child.type === 'code_inline');
      expect(code.map((child) => child.content), text).toEqual([text]);
    }
  });
});

describe('quotedMarkdown', () => {
  const after = '\n\n## Next section';
  const topLevelHeadings = (source: string) =>
    parse(source)
      .filter((token) => token.type === 'heading_open' && token.level === 0)
      .map((token) => token.tag);

  it('keeps the Markdown, inside a block quote', () => {
    const source = quotedMarkdown('# Notes\n\n- **strong** candidate\n\n```\ncode\n```\n');
    expect(source).toBe('> # Notes\n>\n> - **strong** candidate\n>\n> ```\n> code\n> ```');
    const types = blocks(source);
    expect(types[0]).toBe('blockquote_open');
    expect(types.at(-1)).toBe('blockquote_close');
    expect(types).toContain('heading_open');
    expect(types).toContain('fence');
  });

  it.each([
    ['an unclosed code fence', '```\nsecret'],
    ['an unclosed longer fence', 'text\n`````python\n```'],
    ['an unclosed tilde fence', '~~~\nx'],
    ['an unclosed HTML comment', '<!-- hidden'],
    ['an unclosed HTML block', '<pre>\nx'],
    ['a setext underline on the next line', 'Title\n==='],
    ['a lazy paragraph', 'para\ncontinued'],
    ['CR line endings', 'a\r```\rb'],
    ['trailing blank lines', 'note\n\n\n'],
  ])('cannot swallow what follows with %s', (_name, notes) => {
    expect(topLevelHeadings(`${quotedMarkdown(notes)}${after}`)).toEqual(['h2']);
    expect(parse(`${quotedMarkdown(notes)}${after}`)[0]?.type).toBe('blockquote_open');
  });

  it('survives random notes made of block syntax', () => {
    const next = random(23);
    const alphabet = ['```', '~~~', '<!--', '<div>', '\n', '\n\n', '> ', '# ', '- ', '1. ', '    ', 'x', '|', '---', '==='];
    for (let i = 0; i < 500; i++) {
      const notes = randomText(next, alphabet, 30);
      const source = `${quotedMarkdown(notes)}${after}`;
      expect(topLevelHeadings(source), JSON.stringify(notes)).toEqual(['h2']);
    }
  });
});
