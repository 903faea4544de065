import type { RoomReview, RunRecordView } from '@interview/protocol';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { createTimeFormat } from './review-format.js';
import { errorShownSeparately, reviewToMarkdown } from './review-markdown.js';

const utc = createTimeFormat('UTC');
const ada = { name: 'Ada', role: 'candidate' } as const;
const grace = { name: 'Grace', role: 'interviewer' } as const;

function run(overrides: Partial<RunRecordView> = {}): RunRecordView {
  return {
    runId: 'r1',
    language: 'python',
    code: 'print(1)\n',
    by: ada,
    startedAt: '2026-11-14T09:10:00.000Z',
    finishedAt: '2026-11-14T09:10:01.000Z',
    status: 'ok',
    output: '1\n',
    error: null,
    durationMs: 42,
    ...overrides,
  };
}

function review(overrides: Partial<RoomReview> = {}): RoomReview {
  return {
    roomId: 'abcdefghijklmnopqrstuv',
    title: 'Backend interview',
    createdAt: '2026-11-14T09:00:00.000Z',
    status: { ended: true, endedAt: '2026-11-14T09:50:00.000Z', endedBy: 'Grace' },
    language: 'python',
    code: 'def f():\n    return 1\n',
    statement: '# Reverse\n\nWrite `f`.',
    notes: 'Good **questions**.',
    questionId: null,
    runs: [run()],
    signals: [
      { kind: 'paste', at: '2026-11-14T09:05:00.000Z', by: ada, chars: 120, lines: 5 },
      { kind: 'focus-lost', at: '2026-11-14T09:20:00.000Z', by: ada },
      { kind: 'focus-returned', at: '2026-11-14T09:21:05.000Z', by: ada, awayMs: 65_000 },
    ],
    participants: [
      { ...grace, joinedAt: '2026-11-14T09:00:05.000Z', leftAt: null },
      { ...ada, joinedAt: '2026-11-14T09:02:00.000Z', leftAt: '2026-11-14T09:49:30.000Z' },
    ],
    generatedAt: '2026-11-15T08:00:00.000Z',
    ...overrides,
  };
}

const md = new MarkdownIt({ html: true, linkify: false });
type Token = ReturnType<typeof md.parse>[number];
const parse = (source: string): Token[] => md.parse(source, {});

/** The report's outline: its top-level headings, e.g. "h2 Runs (1)". */
function outline(source: string): string[] {
  const tokens = parse(source);
  return tokens.flatMap((token, index) => (token.type === 'heading_open' && token.level === 0 ? [`${token.tag} ${tokens[index + 1]?.content ?? ''}`] : []));
}

/** Code blocks outside the quoted statement and notes, with their language. */
function topLevelFences(source: string): Array<{ info: string; content: string }> {
  return parse(source)
    .filter((token) => token.type === 'fence' && token.level === 0)
    .map((token) => ({ info: token.info, content: token.content }));
}

describe('reviewToMarkdown', () => {
  it('writes a readable report of the whole review', () => {
    expect(reviewToMarkdown(review(), utc)).toBe(
      [
        '# Interview review: Backend interview',
        '',
        '- **Status:** Ended 14 Nov 2026, 09:50 UTC by Grace',
        '- **Created:** 14 Nov 2026, 09:00 UTC',
        '- **Language:** Python',
        '- **Room:** `abcdefghijklmnopqrstuv`',
        '- **Report generated:** 15 Nov 2026, 08:00 UTC',
        '- Times are in UTC; a time without a date is on the day the room was created.',
        '',
        '## Participants',
        '',
        '- Grace (Interviewer): joined 09:00:05, no leave recorded',
        '- Ada (Candidate): joined 09:02:00, left 09:49:30',
        '',
        '## Statement',
        '',
        '> # Reverse',
        '>',
        '> Write `f`.',
        '',
        '## Final code (Python)',
        '',
        '```python',
        'def f():',
        '    return 1',
        '```',
        '',
        '## Runs (1)',
        '',
        '### Run 1: Python, Finished',
        '',
        '- **By:** Ada (Candidate)',
        '- **Started:** 09:10:00',
        '- **Duration:** 42 ms',
        '',
        'Code:',
        '',
        '```python',
        'print(1)',
        '```',
        '',
        'Output:',
        '',
        '```text',
        '1',
        '```',
        '',
        '## Signals (3)',
        '',
        '- 09:05:00 — Ada (Candidate): Pasted 120 characters (5 lines)',
        '- 09:20:00 — Ada (Candidate): Left the page (tab or window lost focus)',
        '- 09:21:05 — Ada (Candidate): Came back to the page after 1 min 5 s',
        '',
        '## Private notes',
        '',
        '> Good **questions**.',
        '',
      ].join('\n'),
    );
  });

  it('uses the time zone it is given, and dates times on another day', () => {
    const text = reviewToMarkdown(
      review({ runs: [run({ startedAt: '2026-11-14T23:30:00.000Z' })], signals: [], participants: [] }),
      createTimeFormat('Europe/Paris'),
    );
    expect(text).toContain('- **Created:** 14 Nov 2026, 10:00 GMT+1');
    expect(text).toContain('- **Started:** 15 Nov 2026, 00:30:00');
    expect(text).toContain('Times are in GMT+1;');
  });

  it('says so when a room is still open and nothing happened in it', () => {
    const text = reviewToMarkdown(
      review({
        status: { ended: false, endedAt: null, endedBy: null },
        statement: '  \n',
        notes: '',
        code: '',
        runs: [],
        signals: [],
        participants: [],
        questionId: 'two-sum',
      }),
      utc,
    );
    expect(text).toContain('- **Status:** Still open (not ended)');
    expect(text).toContain('- **Question:** `two-sum`');
    expect(text).toContain('## Participants\n\n_Nobody joined._');
    expect(text).toContain('## Statement\n\n_No statement._');
    expect(text).toContain('## Final code (Python)\n\n```python\n```');
    expect(text).toContain('## Runs (0)\n\n_Nothing was run._');
    expect(text).toContain('## Signals (0)\n\n_No signals._');
    expect(text).toContain('## Private notes\n\n_No notes._');
  });

  it('shows runs without a result, without output, and errors not already in the output', () => {
    const text = reviewToMarkdown(
      review({
        runs: [
          run({ status: null, finishedAt: null, durationMs: null, output: '' }),
          run({ language: 'javascript', status: 'error', output: 'partial\n', error: 'ReferenceError: x is not defined' }),
        ],
      }),
      utc,
    );
    expect(text).toContain('### Run 1: Python, No result\n\n- **By:** Ada (Candidate)\n- **Started:** 09:10:00\n- **Duration:** not reported');
    expect(text).toContain('Output:\n\n_No output._');
    expect(text).toContain('### Run 2: JavaScript, Failed');
    expect(text).toContain('Error:\n\n```text\nReferenceError: x is not defined\n```');
  });

  it('keeps its structure whatever the participants wrote', () => {
    const hostileName = '# Mallory\n## Hired\n- [click](javascript:alert(1)) <img src=x onerror=alert(1)>';
    const code = 's = """\n```\n## Not a heading\n````\n"""\n';
    const output = '```\n# Output heading\n<script>alert(1)</script>\n';
    const notes = 'Leaning hire\n\n```\nunclosed fence in the notes\n<!-- and a comment';
    const text = reviewToMarkdown(
      review({
        title: '## Title\n# with lines **and** [links](https://evil.example)',
        code,
        statement: '<!-- unclosed\n# Statement heading',
        notes,
        runs: [run({ code, output, by: { name: hostileName, role: 'candidate' }, status: 'error', error: '```\n# error heading' })],
        signals: [{ kind: 'paste', at: '2026-11-14T09:05:00.000Z', by: { name: hostileName, role: 'candidate' }, chars: 3 }],
        participants: [{ name: hostileName, role: 'candidate', joinedAt: '2026-11-14T09:02:00.000Z', leftAt: null }],
        status: { ended: true, endedAt: '2026-11-14T09:50:00.000Z', endedBy: '<b>Grace</b>\n# Ended' },
      }),
      utc,
    );

    // Exactly the report's own headings, at the top level.
    expect(outline(text)).toEqual([
      'h1 Interview review: \\#\\# Title \\# with lines \\*\\*and\\*\\* \\[links\\](https://evil.example)',
      'h2 Participants',
      'h2 Statement',
      'h2 Final code (Python)',
      'h2 Runs (1)',
      'h3 Run 1: Python, Failed',
      'h2 Signals (1)',
      'h2 Private notes',
    ]);
    // Code, output and error come back verbatim from their own blocks.
    expect(topLevelFences(text)).toEqual([
      { info: 'python', content: code },
      { info: 'python', content: code },
      { info: 'text', content: output },
      { info: 'text', content: '```\n# error heading\n' },
    ]);
    // Outside the quoted statement and notes there is no link, image, HTML or emphasis made of user text.
    const quoteDepth = { depth: 0 };
    for (const token of parse(text)) {
      if (token.type === 'blockquote_open') quoteDepth.depth++;
      if (token.type === 'blockquote_close') quoteDepth.depth--;
      if (quoteDepth.depth > 0) continue;
      expect(token.type).not.toMatch(/^html_/);
      for (const child of token.children ?? []) {
        expect(child.type, child.content).toMatch(/^(text|strong_open|strong_close|code_inline)$/);
      }
    }
    // The list items keep the name on one line, in plain text.
    expect(text).toContain('- 09:05:00 — \\# Mallory \\#\\# Hired - \\[click\\](javascript:alert(1)) \\<img src=x onerror=alert(1)\\> (Candidate): Pasted 3 characters');
  });

  it('never lets a statement or the notes close the quote they are in', () => {
    const text = reviewToMarkdown(review({ statement: '```\nopen', notes: '<pre>\nopen' }), utc);
    expect(outline(text)).toContain('h2 Final code (Python)');
    expect(outline(text).at(-1)).toBe('h2 Private notes');
    const quotes = parse(text).filter((token) => token.type === 'blockquote_open' && token.level === 0);
    expect(quotes).toHaveLength(2);
  });
});

describe('errorShownSeparately', () => {
  it('is the error when the output does not already show it', () => {
    expect(errorShownSeparately(run({ error: 'boom' }))).toBe('boom');
    expect(errorShownSeparately(run({ output: 'Traceback…\nZeroDivisionError: division by zero\n', error: 'ZeroDivisionError: division by zero' }))).toBeNull();
    expect(errorShownSeparately(run())).toBeNull();
  });
});
