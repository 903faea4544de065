import { launchChromium, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import type { Browser, Dialog, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRoomByApi, editorText, joinAs, PageOpener, pasteInto, typeAtEnd, type WatchedPage } from './room-page.js';

/**
 * Nothing lost, from the browser's side: the page says at once when the
 * server is out of reach, keeps what is typed meanwhile in IndexedDB
 * (through a reload, with the app itself kept by the service worker), sends
 * it when the server is back, and asks before leaving only while changes
 * have not reached the server. The server is really stopped and started
 * again on the same port and data folder.
 */

let browser: Browser | undefined;
const pages = new PageOpener(() => browser!);
let server: ServerProcess | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async () => {
  await pages.closeAll();
  await server?.stop();
  if (server) removeDir(server.dataDir);
  server = undefined;
});

afterAll(async () => {
  await browser?.close();
});

const notesEditor = (page: Page) => page.getByRole('textbox', { name: 'Private notes editor' });
const badge = (page: Page, name: string) => page.getByRole('status', { name, exact: true });
const notice = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

/** The service worker has kept the app: a reload no longer needs the server. */
async function appKept(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

/** Stops the server and waits until the page says it is offline. */
async function stopServer(page: Page): Promise<{ port: number; dataDir: string }> {
  const { port, dataDir } = server!;
  await server!.stop();
  await badge(page, 'Offline').waitFor();
  await notice(page, 'You are offline. Keep working').waitFor();
  return { port, dataDir };
}

/** What a page logs while its server is down: failed requests and sockets, and the app reporting them. */
function unexpectedProblems(watched: WatchedPage): string[] {
  return watched.problems.filter(
    (text) =>
      !/ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|Failed to load resource|Could not reach the server|could not load the (runner )?configuration|could not read the room status/.test(
        text,
      ),
  );
}

describe('offline', () => {
  it('keeps what is typed while the server is down through a reload, and sends it when the server is back', async () => {
    server = await startServer();
    const room = await createRoomByApi(server.url, 'Offline reload');
    const interviewer = await pages.open();
    const page = interviewer.page;
    await joinAs(page, room.interviewerUrl, 'Grace');
    await waitFor(async () => (await editorText(page)).includes('greet'), { what: 'the starter code' });
    await pasteInto(notesEditor(page), 'NOTE-ONLINE');
    await page.getByText('All changes saved', { exact: true }).waitFor();
    await appKept(page);

    const stopped = await stopServer(page);
    await typeAtEnd(page, '# typed while offline');
    await notesEditor(page).press('Control+End');
    await pasteInto(notesEditor(page), ' NOTE-OFFLINE');
    await page.getByText('Changes kept in this browser', { exact: true }).waitFor();

    // Leaving now would lose nothing, but the page cannot know the server will get it: it asks.
    const dialogs: string[] = [];
    page.on('dialog', (dialog: Dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });
    await page.reload();
    expect(dialogs).toEqual(['beforeunload']);

    // The page, the room and both documents come back from the browser while the server is still down.
    await badge(page, 'Offline').waitFor();
    await notice(page, 'You are offline').waitFor();
    await waitFor(async () => (await editorText(page)).includes('# typed while offline'), { what: 'the offline edit after the reload' });
    await waitFor(async () => ((await notesEditor(page).textContent()) ?? '').includes('NOTE-ONLINE NOTE-OFFLINE'), {
      what: 'the offline note after the reload',
    });
    await page.getByText('Changes kept in this browser', { exact: true }).waitFor();

    server = await startServer(stopped);
    await badge(page, 'Connected').waitFor({ timeout: 15000 });
    await notice(page, 'Back online. All changes saved.').waitFor();
    await page.getByText('All changes saved', { exact: true }).waitFor();

    // Someone else, on another machine, gets what was typed offline from the server.
    const candidate = await pages.open();
    await joinAs(candidate.page, room.candidateUrl, 'Ada');
    await waitFor(async () => (await editorText(candidate.page)).includes('# typed while offline'), {
      what: 'the offline edit on a fresh page',
    });
    const colleague = await pages.open();
    await joinAs(colleague.page, room.interviewerUrl, 'Linus');
    await waitFor(async () => ((await notesEditor(colleague.page).textContent()) ?? '').includes('NOTE-ONLINE NOTE-OFFLINE'), {
      what: 'the offline note on a fresh page',
    });
    expect(unexpectedProblems(interviewer)).toEqual([]);
  });

  it('asks before leaving only while changes have not reached the server', async () => {
    server = await startServer();
    const room = await createRoomByApi(server.url, 'Leaving');
    const dialogsOf = (page: Page): string[] => {
      const seen: string[] = [];
      page.on('dialog', (dialog: Dialog) => {
        seen.push(dialog.type());
        void dialog.dismiss();
      });
      return seen;
    };

    // Typed and saved: closing the tab asks nothing.
    const saved = await pages.open();
    const savedDialogs = dialogsOf(saved.page);
    await joinAs(saved.page, room.candidateUrl, 'Ada');
    await typeAtEnd(saved.page, '# saved before leaving');
    await saved.page.getByText('All changes saved', { exact: true }).waitFor();
    await saved.page.close({ runBeforeUnload: true });
    await waitFor(() => saved.page.isClosed(), { what: 'the saved page to close' });
    expect(savedDialogs).toEqual([]);

    // Typed while the server is down: closing asks, and dismissing keeps the page.
    const unsaved = await pages.open();
    const page = unsaved.page;
    const unsavedDialogs = dialogsOf(page);
    await joinAs(page, room.candidateUrl, 'Ada');
    const stopped = await stopServer(page);
    await typeAtEnd(page, '# not saved yet');
    await page.close({ runBeforeUnload: true });
    await waitFor(() => unsavedDialogs.length === 1, { what: 'the beforeunload prompt' });
    expect(unsavedDialogs).toEqual(['beforeunload']);
    expect(page.isClosed()).toBe(false);

    // Once the server is back and has the change, leaving asks nothing again.
    server = await startServer(stopped);
    await notice(page, 'Back online. All changes saved.').waitFor({ timeout: 15000 });
    await page.close({ runBeforeUnload: true });
    await waitFor(() => page.isClosed(), { what: 'the page to close once saved' });
    expect(unsavedDialogs).toEqual(['beforeunload']);

    const check = await pages.open();
    await joinAs(check.page, room.interviewerUrl, 'Grace');
    await waitFor(async () => (await editorText(check.page)).includes('# not saved yet'), { what: 'the change on the server' });
  });
});
