/**
 * Putting untrusted text into a Markdown document so that it stays the text
 * it was: a candidate's name cannot become a heading, a link or HTML, and
 * code cannot close the block it sits in. The rules follow CommonMark
 * (and GitHub's extensions: tables, strikethrough), which is what the
 * report's readers render it with.
 */

/** Normalizes line endings: CommonMark treats a lone CR as one too. */
function lines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

/** Characters that start inline structure anywhere: code, emphasis, links, HTML, entities, tables, strikethrough, headings. */
const INLINE_SPECIAL = /[\\`*_[\]<>|~&#!]/g;

/**
 * Text for one line of a heading or list item. Every line break and run of
 * spaces becomes one space (a newline could start a block of its own), the
 * characters of inline syntax are backslash-escaped, and so is a marker at
 * the start that would open a nested block inside a list item (`- `, `+ `,
 * `1. `, `> `).
 */
export function inlineText(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine
    .replace(INLINE_SPECIAL, '\\$&')
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** The longest run of backticks in `text`; a loop, as a spread of every match could overflow the stack. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/**
 * A fenced code block that `content` cannot break out of: its fence is
 * longer than any backtick run inside (a closing fence must be at least as
 * long as the opening one), and at least three. `info` is the language tag.
 */
export function fencedBlock(content: string, info = ''): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
  // An info string after a backtick fence may not contain backticks; keep language-like characters only.
  const tag = info.replace(/[^A-Za-z0-9_+-]/g, '');
  const body = lines(content);
  if (body.at(-1) === '') body.pop();
  return [`${fence}${tag}`, ...body, fence].join('\n');
}

/**
 * Code inline, e.g. an id: the delimiter is longer than any backtick run
 * inside, with spaces when the content touches a backtick.
 */
export function inlineCode(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  const delimiter = '`'.repeat(longestBacktickRun(oneLine) + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${delimiter}${pad}${oneLine}${pad}${delimiter}`;
}

/**
 * Markdown written by a participant (statement, notes), kept as Markdown but
 * inside a block quote. A container ends every block opened inside it, so
 * an unclosed code fence or HTML comment in the notes ends with the quote
 * instead of swallowing the rest of the report, and its headings stay
 * visibly part of the quoted text.
 */
export function quotedMarkdown(markdown: string): string {
  const body = lines(markdown.replace(/\s+$/, ''));
  return body.map((line) => (line === '' ? '>' : `> ${line}`)).join('\n');
}
