import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { encodeDocumentUpdate, encodeSyncStep1, RoomSettings } from '@interview/protocol';
import { launchChromium, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureWebSocketFrames,
  createRoomByApi,
  editorOf,
  editorText,
  joinAs,
  joinPair,
  PageOpener,
  pasteInto,
  replaceCode,
  tokenOf,
  typeAtEnd,
} from './room-page.js';

/**
 * What interviewers oversee in a room, end to end in Chromium against the
 * built server: the candidate's signals (large pastes, leaving the tab),
 * ending and reopening the interview, the run history, and the settings
 * only interviewers may change.
 */

let server: ServerProcess | undefined;
let browser: Browser | undefined;
const pages = new PageOpener(() => browser!);
const base = () => server!.url;

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

const signalList = (page: Page) => page.getByRole('list', { name: 'Candidate signals' });
const signalLines = async (page: Page) => (await signalList(page).getByRole('listitem').allTextContents()).map((text) => text.trim());
const CLOCK = String.raw`\d\d:\d\d:\d\d`;
const ENDED = 'The interviewer has ended this interview. The code is now read-only.';

describe('candidate signals', () => {
  it('shows large pastes and leaving the tab to the interviewer, live and after a reload, and nothing to the candidate', async () => {
    const room = await createRoomByApi(base(), 'Signals');
    const interviewer = await pages.open();
    const candidate = await pages.open();
    const a = interviewer.page;
    const b = candidate.page;
    // Watching from before the candidate's sockets open.
    const bFrames = captureWebSocketFrames(b);
    await joinAs(a, room.interviewerUrl, 'Grace');
    await joinAs(b, room.candidateUrl, 'Ada');
    await a.getByRole('heading', { name: 'Candidate signals' }).waitFor();

    // A small paste is typing aid, not a signal; the large one after it proves the small one was not sent
    // (both go out on the same socket, in order).
    await pasteInto(editorOf(b), 'x = 1');
    const big = Array.from({ length: 18 }, (_, i) => `value_${String(i).padStart(2, '0')} = ${i} * 10`).join('\n');
    await pasteInto(editorOf(b), big);
    await waitFor(async () => (await signalLines(a)).length === 1, { what: 'the paste signal' });
    expect((await signalLines(a))[0]).toMatch(new RegExp(`^Pasted ${big.length} characters \\(18 lines\\) · ${CLOCK}$`));

    // Leaving the tab: the window loses focus, then gets it back.
    await b.evaluate(() => window.dispatchEvent(new Event('blur')));
    await waitFor(async () => (await signalLines(a))[0]?.startsWith('Left the tab · '), { what: 'the focus-lost signal' });
    // A second blur while away says nothing new.
    await b.evaluate(() => window.dispatchEvent(new Event('blur')));
    await b.evaluate(() => window.dispatchEvent(new Event('focus')));
    await waitFor(async () => (await signalLines(a))[0]?.startsWith('Back after '), { what: 'the focus-returned signal' });
    const live = await signalLines(a);
    expect(live).toHaveLength(3);
    expect(live[0]).toMatch(new RegExp(`^Back after (less than 1 s|\\d+ s) · ${CLOCK}$`));

    // The stored signals come back after a reload, once each.
    await a.reload();
    await waitFor(async () => (await signalLines(a)).length === 3, { what: 'the stored signals after a reload' });
    expect(await signalLines(a)).toEqual(live);

    // The candidate has no such panel and never receives a signal frame.
    expect(await b.getByRole('heading', { name: 'Candidate signals' }).count()).toBe(0);
    expect(bFrames.received.some((frame) => frame.payload.includes('"type":"signal"'))).toBe(false);
    expect(bFrames.sent.some((frame) => frame.payload.includes('"type":"signal"'))).toBe(true);
    expect(interviewer.problems).toEqual([]);
    expect(candidate.problems).toEqual([]);
  });

  it('tells the candidate on the join page what the interviewer is shown', async () => {
    const { room } = await joinPair(base(), pages, 'Join notice');
    const fresh = await pages.open();
    await fresh.page.goto(room.candidateUrl);
    await fresh.page.getByRole('note').getByText('paste a large block of text', { exact: false }).waitFor();
    await fresh.page.getByRole('note').getByText('leave this tab or window', { exact: false }).waitFor();
    const other = await pages.open();
    await other.page.goto(room.interviewerUrl);
    await other.page.getByRole('button', { name: 'Join room' }).waitFor();
    expect(await other.page.getByRole('note').count()).toBe(0);
  });
});

describe('ending the interview', () => {
  it('locks the candidate out (message, read-only editor, no Run) until the interviewer reopens it', async () => {
    const { interviewer, candidate } = await joinPair(base(), pages, 'End and reopen');
    const a = interviewer.page;
    const b = candidate.page;
    const run = b.getByRole('button', { name: 'Run Python' });
    await waitFor(async () => run.isEnabled(), { what: 'Run enabled before the end' });

    await a.getByRole('button', { name: 'End interview' }).click();
    const dialog = a.getByRole('dialog', { name: 'End the interview?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.isVisible()).toBe(false);
    await a.getByRole('button', { name: 'End interview' }).click();
    await dialog.getByRole('button', { name: 'End interview' }).click();

    await b.getByRole('status').filter({ hasText: ENDED }).waitFor();
    await waitFor(async () => (await editorOf(b).getAttribute('aria-readonly')) === 'true', { what: 'the read-only editor' });
    await waitFor(async () => run.isDisabled(), { what: 'Run disabled' });
    expect(await b.getByLabel('Language').isDisabled()).toBe(true);
    const before = await editorText(b);
    await editorOf(b).click();
    await b.keyboard.type('# typed after the end');
    await b.keyboard.press('Control+z');
    expect(await editorText(b)).toBe(before);

    await a.getByRole('status').filter({ hasText: /^Interview ended by Grace at \d\d:\d\d:\d\d\./ }).waitFor();
    expect(await a.getByRole('button', { name: 'End interview' }).count()).toBe(0);
    // The interviewer keeps editing.
    expect(await editorOf(a).getAttribute('aria-readonly')).toBeNull();

    // A reload while ended stays locked: the status comes with the room info too.
    await b.reload();
    await b.getByRole('status').filter({ hasText: ENDED }).waitFor();
    await waitFor(async () => (await editorOf(b).getAttribute('aria-readonly')) === 'true', { what: 'read-only after a reload' });

    await a.getByRole('button', { name: 'Reopen interview' }).click();
    await a.getByRole('button', { name: 'End interview' }).waitFor();
    await waitFor(async () => (await b.getByText(ENDED).count()) === 0, { what: 'the message gone' });
    await waitFor(async () => (await editorOf(b).getAttribute('aria-readonly')) === null, { what: 'the editor editable again' });
    await waitFor(async () => run.isEnabled(), { what: 'Run enabled again' });
    await typeAtEnd(b, '# back at it');
    await waitFor(async () => (await editorText(a)).includes('# back at it'), { what: 'the candidate’s edit reaching the interviewer' });
    expect(interviewer.problems).toEqual([]);
    expect(candidate.problems).toEqual([]);
  });
});

describe('run history', () => {
  it('lists the runs of both participants for the interviewer, each opening with its code and output', async () => {
    const { interviewer, candidate } = await joinPair(base(), pages, 'History', 'javascript');
    const a = interviewer.page;
    const b = candidate.page;
    const history = a.getByRole('list', { name: 'Recorded runs' });

    await replaceCode(b, 'console.log("from ada", 6 * 7);\n');
    await b.getByRole('button', { name: 'Run JavaScript' }).click();
    const adaRun = history.getByRole('button', { name: /Ada.*JavaScript.*Finished/ });
    await adaRun.waitFor({ timeout: 20000 });

    // The interviewer's own run (sent from this browser, never echoed back) shows too.
    await replaceCode(a, 'throw new Error("from grace");\n');
    await a.getByRole('button', { name: 'Run JavaScript' }).click();
    await history.getByRole('button', { name: /Grace.*JavaScript.*Failed/ }).waitFor({ timeout: 20000 });
    expect(await history.getByRole('listitem').count()).toBe(2);

    await adaRun.click();
    const dialog = a.getByRole('dialog', { name: /^Run by Ada at \d\d:\d\d:\d\d$/ });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Code').textContent()).toBe('console.log("from ada", 6 * 7);\n');
    expect(await dialog.getByLabel('Output').textContent()).toBe('from ada 42\n');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await waitFor(async () => !(await dialog.isVisible()), { what: 'the dialog closed' });

    expect(await b.getByRole('heading', { name: 'Run history' }).count()).toBe(0);
    expect(await b.getByRole('list', { name: 'Recorded runs' }).count()).toBe(0);
  });
});

/**
 * Opens a channel's socket from inside a page (the page's origin, as a
 * browser would), sends `frames`, then a sync step 1, and returns the
 * document the relay answers with: its sync step 2 is sent after every
 * earlier frame of this socket was handled, so it shows whether they were applied.
 */
async function sendThenRead(page: Page, socketUrl: string, frames: Uint8Array[]): Promise<Y.Doc> {
  const step1 = encodeSyncStep1(Y.encodeStateVector(new Y.Doc()));
  const answer = await page.evaluate(
    async ({ socketUrl, frames }) => {
      const socket = new WebSocket(socketUrl);
      socket.binaryType = 'arraybuffer';
      const step2 = new Promise<number[]>((resolve, reject) => {
        socket.onmessage = (message) => {
          const bytes = new Uint8Array(message.data as ArrayBuffer);
          // MessageType.Sync (0), SyncMessageType.Step2 (1)
          if (bytes[0] === 0 && bytes[1] === 1) resolve(Array.from(bytes));
        };
        socket.onclose = () => reject(new Error('socket closed'));
      });
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = reject;
      });
      for (const frame of frames) socket.send(new Uint8Array(frame));
      const bytes = await step2;
      socket.close();
      return bytes;
    },
    { socketUrl, frames: [...frames, step1].map((frame) => Array.from(frame)) },
  );
  const decoder = decoding.createDecoder(new Uint8Array(answer));
  decoding.readVarUint(decoder); // MessageType.Sync
  decoding.readVarUint(decoder); // SyncMessageType.Step2
  const doc = new Y.Doc();
  Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
  return doc;
}

/**
 * Sets the time limit in a channel's document over a raw socket, as a
 * modified client could: read the document, change the setting on top of
 * it (a real overwrite, not a concurrent write that could lose by client
 * id), send that update, and return the document as the relay then holds it.
 */
async function forceTimeLimit(page: Page, socketUrl: string, seconds: number): Promise<Y.Doc> {
  const doc = await sendThenRead(page, socketUrl, []);
  const before = Y.encodeStateVector(doc);
  doc.getMap(RoomSettings.map).set(RoomSettings.timeLimitSeconds, seconds);
  return sendThenRead(page, socketUrl, [encodeDocumentUpdate(Y.encodeStateAsUpdate(doc, before))]);
}

describe('room settings', () => {
  it('lets only interviewers change the time limit: the candidate has no control, and the relay drops a forged write', async () => {
    const { room, interviewer, candidate } = await joinPair(base(), pages, 'Settings');
    const a = interviewer.page;
    const b = candidate.page;
    expect(await b.getByLabel('Time limit (seconds)').count()).toBe(0);
    await b.getByText('Time limit: 30 s').waitFor();

    await a.getByLabel('Time limit (seconds)').fill('7');
    await a.getByLabel('Time limit (seconds)').press('Enter');
    await b.getByText('Time limit: 7 s').waitFor();

    const channelUrl = (link: string, name: string) =>
      `${base().replace('http', 'ws')}/ws/${room.roomId}/statement?${new URLSearchParams({ token: tokenOf(link), name })}`;
    const limitIn = (doc: Y.Doc) => doc.getMap(RoomSettings.map).get(RoomSettings.timeLimitSeconds);

    // The candidate's own token writes 1 second: dropped, the stored limit stays 7.
    expect(limitIn(await forceTimeLimit(b, channelUrl(room.candidateUrl, 'Ada'), 1))).toBe(7);
    // Positive control: the same write with an interviewer's token is applied and reaches the candidate.
    expect(limitIn(await forceTimeLimit(a, channelUrl(room.interviewerUrl, 'Grace'), 9))).toBe(9);
    await b.getByText('Time limit: 9 s').waitFor();
  });

  it('remembers the room’s question: its hints come back for the interviewer after a reload', async () => {
    const { interviewer, candidate } = await joinPair(base(), pages, 'Question');
    const a = interviewer.page;
    const loader = a.getByLabel('Load a question');
    await waitFor(async () => (await loader.locator('option', { hasText: 'Valid parentheses' }).count()) === 1 && (await loader.isEnabled()), {
      what: 'the question bank in the room',
    });
    await loader.selectOption({ label: 'Valid parentheses' });
    await a.getByRole('alertdialog').getByRole('button', { name: 'Replace' }).click();
    const hints = a.getByRole('region', { name: 'Question hints' });
    await hints.getByText('A stack of expected closing brackets', { exact: false }).waitFor();

    await a.reload();
    await hints.getByText('A stack of expected closing brackets', { exact: false }).waitFor();
    expect(await candidate.page.getByText('A stack of expected closing brackets', { exact: false }).count()).toBe(0);
  });

  it('shows the problem and notes sockets’ state, and links interviewers to the review page', async () => {
    const { room, interviewer, candidate } = await joinPair(base(), pages, 'Badges and review');
    const a = interviewer.page;
    const b = candidate.page;
    await a.getByRole('status', { name: 'Problem connection: Connected' }).waitFor();
    await a.getByRole('status', { name: 'Notes connection: Connected' }).waitFor();
    await b.getByRole('status', { name: 'Problem connection: Connected' }).waitFor();
    expect(await b.getByRole('status', { name: /^Notes connection/ }).count()).toBe(0);

    const review = a.getByRole('link', { name: /^Review/ });
    const href = (await review.getAttribute('href')) ?? '';
    const url = new URL(href, base());
    expect(url.pathname).toBe(`/r/${room.roomId}/review`);
    expect(new URLSearchParams(url.hash.slice(1)).get('token')).toBe(tokenOf(room.interviewerUrl));
    expect(await b.getByRole('link', { name: /^Review/ }).count()).toBe(0);
  });
});
