import { launchChromium, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureWebSocketFrames, createRoomByApi, editorText, joinAs, PageOpener, pasteInto, typeAtEnd } from './room-page.js';

/**
 * The problem statement and the private notes, with an interviewer and a
 * candidate in two browser contexts. The candidate's page is watched at the
 * WebSocket level: the notes must not arrive in any frame it receives.
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

const statementEditor = (page: Page) => page.getByRole('textbox', { name: 'Problem statement editor' });
const notesEditor = (page: Page) => page.getByRole('textbox', { name: 'Private notes editor' });

describe('problem statement and private notes', () => {
  it('interviewers write both; the candidate reads the rendered statement, cannot edit it, and never receives the notes', async () => {
    const room = await createRoomByApi(server!.url, 'Statement and notes');
    const interviewer = await pages.open();
    const a = interviewer.page;
    const aFrames = captureWebSocketFrames(a);
    await joinAs(a, room.interviewerUrl, 'Grace');

    await a.getByRole('heading', { name: 'Private notes' }).waitFor();
    await a.getByText('Only interviewers can see these notes').waitFor();
    const firstNote = 'NOTE-BEFORE-7f3a: asked good clarifying questions';
    await pasteInto(notesEditor(a), firstNote);

    const candidate = await pages.open();
    const b = candidate.page;
    const bFrames = captureWebSocketFrames(b);
    await joinAs(b, room.candidateUrl, 'Ada');

    const statement = [
      '# Reverse a list',
      '',
      'Write `reverse(xs)` that returns **a new list**. See [the docs](https://docs.python.org/3/).',
      '',
      '<script>window.pwned = true</script> <img src=x onerror="window.pwned = true">',
      '',
      '[click me](javascript:window.pwned=true)',
    ].join('\n');
    await pasteInto(statementEditor(a), statement);

    const shown = b.getByRole('region', { name: 'Problem statement' });
    await shown.getByRole('heading', { name: 'Reverse a list' }).waitFor();
    await shown.getByText('a new list').waitFor();
    expect(await shown.getByRole('link', { name: 'the docs' }).getAttribute('href')).toBe('https://docs.python.org/3/');
    // Hostile Markdown arrives as text: no script ran, no image, no javascript: link.
    await shown.getByText('<script>window.pwned = true</script>', { exact: false }).waitFor();
    expect(await shown.locator('script, img').count()).toBe(0);
    expect(await shown.getByRole('link', { name: 'click me' }).count()).toBe(0);
    expect(await b.evaluate(() => (window as { pwned?: boolean }).pwned)).toBeUndefined();

    // The interviewer's preview renders the same way.
    await a.getByText('Preview as the candidate sees it').click();
    await a.getByRole('region', { name: 'Problem preview' }).getByRole('heading', { name: 'Reverse a list' }).waitFor();

    // The candidate has no statement editor, no notes panel, and nothing editable but the code.
    expect(await statementEditor(b).count()).toBe(0);
    expect(await notesEditor(b).count()).toBe(0);
    expect(await b.getByRole('heading', { name: 'Private notes' }).count()).toBe(0);
    expect(await b.locator('[contenteditable="true"]').count()).toBe(1);
    await shown.click();
    await b.keyboard.type('candidate typing');
    expect(await shown.textContent()).not.toContain('candidate typing');

    // A second note while the candidate is in the room, then a code edit as a marker:
    // once the marker reached the candidate, anything relayed before it would have too.
    const secondNote = '\n\nNOTE-DURING-9c2e: leaning hire, check complexity';
    await notesEditor(a).press('Control+End');
    await pasteInto(notesEditor(a), secondNote);
    await waitFor(() => aFrames.sent.some((f) => f.url.includes('/notes') && f.payload.includes('NOTE-DURING-9c2e')), {
      what: 'the second note to leave the interviewer’s page',
    });
    await typeAtEnd(a, '# marker-after-notes');
    await waitFor(async () => (await editorText(b)).includes('# marker-after-notes'), { what: 'the marker in the candidate’s editor' });

    // Positive control: the capture does see the notes in the interviewer's own traffic.
    expect(aFrames.sent.some((f) => f.payload.includes('NOTE-BEFORE-7f3a'))).toBe(true);
    expect(aFrames.urls.some((url) => new URL(url).pathname.endsWith('/notes'))).toBe(true);
    // The candidate's page opened the main and statement sockets only, and received no byte of either note.
    expect(bFrames.urls.map((url) => new URL(url).pathname).sort()).toEqual([`/ws/${room.roomId}`, `/ws/${room.roomId}/statement`]);
    expect(bFrames.received.length).toBeGreaterThan(0);
    for (const frame of bFrames.received) {
      for (const needle of ['NOTE-BEFORE', 'NOTE-DURING', '7f3a', '9c2e', 'clarifying', 'leaning hire']) {
        expect(frame.payload.includes(needle), `${needle} in a frame from ${new URL(frame.url).pathname}`).toBe(false);
      }
    }
    expect(interviewer.problems).toEqual([]);
    expect(candidate.problems).toEqual([]);
  });
});
