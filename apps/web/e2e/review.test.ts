import { readFile } from 'node:fs/promises';
import type { RoomReview } from '@interview/protocol';
import { launchChromium, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoomFromHomePage, editorOf, joinAs, PageOpener, pasteInto, replaceCode, tokenOfLink } from './room-page.js';

/**
 * The review page, end to end: an interviewer creates a room from the home
 * page, takes notes and runs code; a candidate joins. The review then shows
 * the run and the notes, both downloads carry them, and the candidate's
 * token gets a refusal and none of it.
 */

let server: ServerProcess | undefined;
let browser: Browser | undefined;
const pages = new PageOpener(() => browser!);

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

const TITLE = 'Review e2e: Ada’s interview';
const CODE_MARK = 'CODE-MARK-5d1e';
const OUTPUT_MARK = 'OUTPUT-MARK-8b0c';
const NOTE_MARK = 'NOTE-MARK-27fa';
// The program holds a Markdown fence, which the report's own fence must survive.
const PROGRAM = `# ${CODE_MARK}\ndoc = """\n\`\`\`\n"""\nprint("${OUTPUT_MARK}", 6 * 7)\n`;
const NOTES = `**Strong** start. ${NOTE_MARK}`;
const PASTE = '# pasted\n# by\n# the\n# candidate\n';

const reviewUrl = (roomId: string, token: string) => `${server!.url}/r/${roomId}/review#token=${encodeURIComponent(token)}`;

/** The review as the API has it, for waiting until the relay stored what the page will show. */
async function fetchReview(roomId: string, token: string): Promise<RoomReview> {
  const response = await fetch(`${server!.url}/api/rooms/${roomId}/review`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`review answered ${response.status}`);
  return (await response.json()) as RoomReview;
}

/** Clicks a download button and returns the file's suggested name and content. */
async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
}

describe('review page', () => {
  it('shows an interviewer the run and the notes, downloads both, and refuses the candidate', async () => {
    const interviewer = await pages.open();
    const a = interviewer.page;
    const { candidateUrl } = await createRoomFromHomePage(a, server!.url, TITLE, 'Grace');
    await a.getByRole('link', { name: 'Enter room' }).click();
    await editorOf(a).waitFor();
    const roomId = new URL(a.url()).pathname.split('/')[2]!;
    const token = tokenOfLink(a.url());

    await pasteInto(a.getByRole('textbox', { name: 'Private notes editor' }), NOTES);
    await replaceCode(a, PROGRAM);
    await a.getByRole('button', { name: 'Run Python' }).click();
    await a.getByRole('region', { name: 'Output' }).getByRole('status').filter({ hasText: /Finished in/ }).waitFor({ timeout: 60000 });

    const candidate = await pages.open();
    const b = candidate.page;
    await joinAs(b, candidateUrl, 'Ada');
    // A large paste by the candidate is a signal.
    await pasteInto(editorOf(b), PASTE);

    // The page loads the review once: wait until the relay has stored the run's result and the notes.
    await waitFor(
      async () => {
        const review = await fetchReview(roomId, token);
        return (
          review.runs.some((run) => run.status === 'ok') &&
          review.notes.includes(NOTE_MARK) &&
          review.participants.length >= 2 &&
          review.signals.some((signal) => signal.kind === 'paste') &&
          review.code.includes('# candidate')
        );
      },
      { what: 'the run, the notes, both participants, the paste and its code in the stored review' },
    );
    const stored = await fetchReview(roomId, token);
    const finalProgram = stored.code;
    const paste = stored.signals.find((signal) => signal.kind === 'paste')!;
    const pasteText = `Ada (Candidate): Pasted ${paste.chars} characters (${paste.lines} lines)`;

    const review = await pages.open();
    const r = review.page;
    await r.goto(reviewUrl(roomId, token));
    await r.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await r.getByText('Still open').waitFor();

    // The final code (the program and the candidate's paste), read-only, with its language.
    const finalCode = r.getByRole('region', { name: 'Final code (Python)' }).locator('pre');
    expect(await finalCode.textContent()).toBe(finalProgram);
    expect(finalProgram).toContain(CODE_MARK);
    expect(await r.locator('[contenteditable="true"], textarea').count()).toBe(0);

    // The notes, rendered as Markdown.
    const notes = r.getByRole('region', { name: 'Private notes' });
    await notes.getByText(NOTE_MARK, { exact: false }).waitFor();
    expect(await notes.locator('strong').textContent()).toBe('Strong');

    // One run: who, language, status; expanded, its code and output.
    const runs = r.getByRole('region', { name: /Runs/ });
    const summary = runs.locator('summary');
    expect(await summary.count()).toBe(1);
    expect(await summary.textContent()).toMatch(/#1.*Grace \(Interviewer\).*Python.*Finished.*(ms|s)$/s);
    expect(await runs.getByLabel('Output of run 1').isVisible()).toBe(false);
    await summary.press('Enter');
    expect(await runs.getByLabel('Code of run 1').textContent()).toBe(PROGRAM);
    expect(await runs.getByLabel('Output of run 1').textContent()).toBe(`${OUTPUT_MARK} 42\n`);

    // The paste, with its size, on the signals timeline.
    await r.getByRole('region', { name: /Signals/ }).getByText(pasteText).waitFor();

    // Both people are listed as participants.
    const people = r.getByRole('region', { name: 'Participants' });
    await people.getByRole('cell', { name: 'Ada' }).waitFor();
    await people.getByRole('cell', { name: 'Grace' }).waitFor();

    // "Download JSON": the review as the server sent it.
    const json = await download(r, 'Download JSON');
    expect(json.name).toMatch(/^interview-review-e2e-ada-s-interview-\d{4}-\d{2}-\d{2}\.json$/);
    const saved = JSON.parse(json.text) as RoomReview;
    expect(saved.roomId).toBe(roomId);
    expect(saved.notes).toContain(NOTE_MARK);
    expect(saved.runs[0]?.code).toBe(PROGRAM);
    expect(saved.runs[0]?.output).toBe(`${OUTPUT_MARK} 42\n`);

    // "Download Markdown": a report with the run in fences its code cannot close.
    const markdown = await download(r, 'Download Markdown');
    expect(markdown.name).toMatch(/^interview-review-e2e-ada-s-interview-\d{4}-\d{2}-\d{2}\.md$/);
    expect(markdown.text).toContain('# Interview review: Review e2e: Ada’s interview');
    expect(markdown.text).toContain(`\`\`\`\`python\n${PROGRAM}\`\`\`\``);
    expect(markdown.text).toContain(`\`\`\`text\n${OUTPUT_MARK} 42\n\`\`\``);
    expect(markdown.text).toContain(`## Private notes\n\n> ${NOTES}`);
    expect(markdown.text).toMatch(/- Ada \(Candidate\): joined/);
    expect(markdown.text.split('\n').filter((line) => /^- .*\d\d:\d\d:\d\d — /.test(line) && line.endsWith(pasteText))).toHaveLength(1);

    // Back to the room, with the same token (this fresh browser asks for a name first).
    await r.getByRole('link', { name: 'Back to the room' }).click();
    await r.getByRole('button', { name: 'Join room' }).waitFor();
    expect(new URL(r.url()).pathname).toBe(`/r/${roomId}`);
    expect(tokenOfLink(r.url())).toBe(token);

    // The candidate's own token: a refusal and no data.
    const candidateToken = tokenOfLink(candidateUrl);
    const refused = await pages.open();
    const c = refused.page;
    const answered = c.waitForResponse((response) => new URL(response.url()).pathname === `/api/rooms/${roomId}/review`);
    await c.goto(reviewUrl(roomId, candidateToken));
    expect((await answered).status()).toBe(403);
    await c.getByRole('alert').getByRole('heading', { name: 'Only interviewers can see the review' }).waitFor();
    const shown = (await c.locator('body').textContent()) ?? '';
    for (const secret of [NOTE_MARK, CODE_MARK, OUTPUT_MARK, TITLE]) expect(shown).not.toContain(secret);
    expect(await c.getByRole('button', { name: /Download/ }).count()).toBe(0);
    expect(await c.getByRole('link', { name: 'Back to the room' }).getAttribute('href')).toBe(`/r/${roomId}#token=${encodeURIComponent(candidateToken)}`);

    for (const page of [interviewer, candidate, review, refused]) {
      // The refusal itself is logged by the browser as a failed request; nothing else may be.
      expect(page.problems.filter((problem) => !/403/.test(problem))).toEqual([]);
    }
  }, 120_000);

  it('explains a link without a token, an unknown room and an unreachable server', async () => {
    const { page, problems } = await pages.open();
    const roomId = 'x'.repeat(22);

    await page.goto(`${server!.url}/r/${roomId}/review`);
    await page.getByRole('heading', { name: 'This link is incomplete' }).waitFor();

    await page.goto(reviewUrl(roomId, 'no-such-token'));
    await page.getByRole('heading', { name: 'Room not found' }).waitFor();

    // The request never reaches the server; "Try again" does once it is back.
    await page.route('**/api/rooms/*/review', (route) => route.abort('connectionrefused'));
    await page.reload();
    await page.getByRole('heading', { name: 'The server cannot be reached' }).waitFor();
    await page.unroute('**/api/rooms/*/review');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'Room not found' }).waitFor();
    expect(problems.filter((problem) => !/404|ERR_CONNECTION_REFUSED|Failed to load resource/.test(problem))).toEqual([]);
  });
});
