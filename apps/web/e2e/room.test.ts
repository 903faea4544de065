import { encodeRoomEvent, type RoomEvent } from '@interview/protocol';
import { launchChromium, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRoomByApi as createRoomAt,
  editorOf,
  editorText,
  joinAs,
  PageOpener,
  typeAtEnd,
  type WatchedPage,
} from './room-page.js';

/**
 * Two people in two browser contexts (separate storage, like two machines)
 * against the built server. Locators go by role and label, so the test also
 * checks that every control it uses has an accessible name.
 */

let server: ServerProcess | undefined;
let browser: Browser | undefined;
const pages = new PageOpener(() => browser!);
const openPage = (permissions: string[] = []): Promise<WatchedPage> => pages.open(permissions);
const createRoomByApi = (title: string, base = server!.url) => createRoomAt(base, title);

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

describe('room', () => {
  it('lets an interviewer and a candidate write code together', async () => {
    const interviewer = await openPage(['clipboard-read', 'clipboard-write']);
    const a = interviewer.page;
    await a.goto(server!.url);
    await a.getByLabel('Room title').fill('Pairing exercise');
    await a.getByLabel('Your name').fill('Grace');
    await a.getByRole('button', { name: 'Create room' }).click();

    const candidateLink = a.getByLabel('Candidate link');
    await candidateLink.waitFor();
    const candidateUrl = await candidateLink.inputValue();
    expect(candidateUrl).toMatch(/\/r\/[A-Za-z0-9_-]+#token=.+/);
    await a.getByRole('button', { name: 'Copy candidate link' }).click();
    await a.getByText('Copied').waitFor();
    expect(await a.evaluate(() => navigator.clipboard.readText())).toBe(candidateUrl);

    await a.getByRole('link', { name: 'Enter room' }).click();
    await a.waitForURL(/\/r\/[^#]+#token=/);
    await editorOf(a).waitFor();
    await a.getByRole('status', { name: 'Connected', exact: true }).waitFor();
    // The server seeded the starter code; the client only shows it.
    await waitFor(async () => (await editorText(a)).includes('greet'), { what: 'starter code in A' });

    const candidate = await openPage();
    const b = candidate.page;
    await b.goto(candidateUrl);
    await b.getByRole('button', { name: 'Join room' }).waitFor();
    await b.getByLabel('Your name').fill('Ada');
    await b.getByRole('button', { name: 'Join room' }).click();
    await editorOf(b).waitFor();
    await b.getByRole('status', { name: 'Connected', exact: true }).waitFor();
    await waitFor(async () => (await editorText(b)).includes('greet'), { what: 'starter code in B' });

    const starter = await editorText(b);
    await typeAtEnd(a, '# hello from grace');
    await waitFor(async () => (await editorText(b)).includes('# hello from grace'), { what: "A's edit in B" });
    await typeAtEnd(b, '# hello from ada');
    await waitFor(async () => (await editorText(a)).includes('# hello from ada'), { what: "B's edit in A" });

    // Undo is per person: A's undo takes back A's line and leaves B's.
    await editorOf(a).press('Control+z');
    await waitFor(async () => (await editorText(b)) === `${starter}\n# hello from ada`, { what: "A's undo in B" });

    // Remote cursors carry the other person's name.
    await a.locator('.cm-ySelectionInfo', { hasText: 'Ada' }).waitFor();
    await b.locator('.cm-ySelectionInfo', { hasText: 'Grace' }).waitFor();

    for (const page of [a, b]) {
      const participants = page.getByRole('region', { name: 'Participants' });
      const grace = participants.getByRole('listitem').filter({ hasText: 'Grace' });
      const ada = participants.getByRole('listitem').filter({ hasText: 'Ada' });
      await grace.filter({ hasText: 'Interviewer' }).filter({ hasText: 'Online' }).waitFor();
      await ada.filter({ hasText: 'Candidate' }).filter({ hasText: 'Online' }).waitFor();
    }
    await a.getByRole('region', { name: 'Participants' }).getByRole('listitem').filter({ hasText: 'Grace (you)' }).waitFor();
    await b.getByRole('region', { name: 'Participants' }).getByRole('listitem').filter({ hasText: 'Ada (you)' }).waitFor();

    const languageA = a.getByRole('combobox', { name: 'Language' });
    const languageB = b.getByRole('combobox', { name: 'Language' });
    expect(await languageB.inputValue()).toBe('python');
    await languageA.selectOption('javascript');
    await waitFor(async () => (await languageB.inputValue()) === 'javascript', { what: "A's language choice in B" });

    // The candidate's view has no candidate link to hand out.
    expect(await b.getByRole('button', { name: 'Copy candidate link' }).count()).toBe(0);
    await a.getByRole('button', { name: 'Copy candidate link' }).waitFor();

    // Tokens stay in fragments: no page, script or API request carries one in its URL.
    for (const url of [...interviewer.requests, ...candidate.requests]) expect(url).not.toMatch(/token=/);
    expect(interviewer.problems).toEqual([]);
    expect(candidate.problems).toEqual([]);
  });

  it('shows when a participant is offline and catches up afterwards', async () => {
    const interviewer = await openPage();
    const candidate = await openPage();
    const a = interviewer.page;
    const b = candidate.page;
    const room = await createRoomByApi('Offline check');
    await joinAs(a, room.interviewerUrl, 'Grace');
    await joinAs(b, room.candidateUrl, 'Ada');

    await b.context().setOffline(true);
    await b.getByRole('status', { name: 'Offline', exact: true }).waitFor();
    await b.context().setOffline(false);
    await b.getByRole('status', { name: 'Connected', exact: true }).waitFor();
    await typeAtEnd(a, '# after the drop');
    await waitFor(async () => (await editorText(b)).includes('# after the drop'), { what: 'edit after reconnect' });
    expect(candidate.problems.filter((text) => !text.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });

  it('shows the latest run to everyone, including people who join later', async () => {
    const room = await createRoomByApi('Output check');
    const interviewer = await openPage();
    const a = interviewer.page;
    await joinAs(a, room.interviewerUrl, 'Grace');
    const output = a.getByRole('region', { name: 'Output' });
    await output.getByText('Nothing has run yet').waitFor();

    // No runner exists yet: a second socket plays the participant who runs code.
    const events: RoomEvent[] = [
      { type: 'execute-code', payload: { runId: 'run-1', language: 'python', code: 'print("hi")' } },
      { type: 'execution-output', payload: { runId: 'run-1', stream: 'stdout', text: 'hi\n' } },
      { type: 'execution-output', payload: { runId: 'run-1', stream: 'stderr', text: 'careful\n' } },
      { type: 'execution-result', payload: { runId: 'run-1', output: 'hi\n', error: null, status: 'ok', durationMs: 42 } },
    ];
    const frames = events.map((event) => Array.from(encodeRoomEvent(event)));
    const token = new URLSearchParams(new URL(room.candidateUrl).hash.slice(1)).get('token') ?? '';
    await a.evaluate(
      async ({ socketUrl, frames }) => {
        const socket = new WebSocket(socketUrl);
        socket.binaryType = 'arraybuffer';
        await new Promise((resolve, reject) => {
          socket.onopen = resolve;
          socket.onerror = reject;
        });
        for (const frame of frames) socket.send(new Uint8Array(frame));
      },
      {
        socketUrl: `${server!.url.replace('http', 'ws')}/ws/${room.roomId}?${new URLSearchParams({ token, name: 'Runner' })}`,
        frames,
      },
    );

    await output.getByText('Runner ran Python').waitFor();
    await output.getByText('Finished in 42 ms').waitFor();
    await output.getByLabel('Program output').filter({ hasText: 'careful' }).waitFor();
    const late = await openPage();
    await joinAs(late.page, room.candidateUrl, 'Ada');
    const latePanel = late.page.getByRole('region', { name: 'Output' });
    await latePanel.getByText('Runner ran Python').waitFor();
    await latePanel.getByText('Finished in 42 ms').waitFor();
    expect(await latePanel.getByLabel('Program output').textContent()).toBe('hi\ncareful\n');
  });

  it('explains a link with a wrong token', async () => {
    const { page } = await openPage();
    const created = await createRoomByApi('Token check');
    await page.goto(`${server!.url}/r/${created.roomId}#token=not-the-token`);
    await page.getByRole('alert').filter({ hasText: 'This link is not valid' }).waitFor();
  });

  it('explains a room that does not exist', async () => {
    const { page } = await openPage();
    await page.goto(`${server!.url}/r/${'x'.repeat(24)}#token=whatever`);
    await page.getByRole('alert').filter({ hasText: 'Room not found' }).waitFor();
  });
});

describe('server restart', () => {
  let restarting: ServerProcess | undefined;

  afterAll(async () => {
    await restarting?.stop();
    if (restarting) removeDir(restarting.dataDir);
  });

  it('keeps edits made while the server was down', async () => {
    restarting = await startServer();
    const { port, dataDir } = restarting;
    const room = await createRoomByApi('Restart check', restarting.url);
    const interviewer = await openPage();
    const a = interviewer.page;
    await joinAs(a, room.interviewerUrl, 'Grace');
    await waitFor(async () => (await editorText(a)).includes('greet'), { what: 'starter code' });

    await restarting.stop();
    await a.getByRole('status', { name: 'Offline', exact: true }).waitFor();
    await typeAtEnd(a, '# typed while the server was down');

    restarting = await startServer({ port, dataDir });
    await a.getByRole('status', { name: 'Connected', exact: true }).waitFor();
    const candidate = await openPage();
    await joinAs(candidate.page, room.candidateUrl, 'Ada');
    await waitFor(async () => (await editorText(candidate.page)).includes('# typed while the server was down'), {
      what: 'the offline edit after the restart',
    });
  });
});
