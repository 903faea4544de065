import { launchChromium, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoomFromHomePage, editorOf, joinAs, PageOpener, tokenOfLink } from './room-page.js';

/**
 * The home page's recent rooms: an interviewer's rooms are listed in the
 * browser that created or opened them, with links to the room and its
 * review; Forget removes one (with an Undo); a candidate's browser lists nothing.
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

const recentList = (page: Page) => page.getByRole('list', { name: 'Recent rooms' });
const entry = (page: Page, title: string) => recentList(page).getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });

describe('recent rooms', () => {
  it('lists the rooms an interviewer created, opens them and their review, and forgets them', async () => {
    const interviewer = await pages.open();
    const a = interviewer.page;
    const { candidateUrl } = await createRoomFromHomePage(a, server!.url, 'First room', 'Grace');
    await entry(a, 'First room').waitFor();
    await createRoomFromHomePage(a, server!.url, 'Second room', 'Grace');

    // Newest first, each with its links.
    await entry(a, 'Second room').waitFor();
    const titles = async () => recentList(a).getByRole('heading').allTextContents();
    const listed = (...expected: string[]) =>
      waitFor(async () => JSON.stringify(await titles()) === JSON.stringify(expected), { what: `the list ${expected.join(', ')}` });
    await listed('Second room', 'First room');

    // Opening the first room puts it back on top.
    await entry(a, 'First room').getByRole('link', { name: 'Open First room' }).click();
    await editorOf(a).waitFor();
    const firstRoomUrl = a.url();
    await a.goto(`${server!.url}/`);
    await listed('First room', 'Second room');

    // The review link carries the same token.
    const reviewHref = await entry(a, 'First room').getByRole('link', { name: 'Review First room' }).getAttribute('href');
    expect(reviewHref).toBe(`${new URL(firstRoomUrl).pathname}/review#token=${encodeURIComponent(tokenOfLink(firstRoomUrl))}`);
    await entry(a, 'First room').getByRole('link', { name: 'Review First room' }).click();
    await a.getByRole('heading', { level: 1, name: 'First room' }).waitFor();
    await a.goto(`${server!.url}/`);

    // Forget, from the keyboard; Undo brings it back; Forget again sticks across a reload.
    await entry(a, 'Second room').getByRole('button', { name: 'Forget Second room' }).press('Enter');
    await listed('First room');
    // Focus moved to the Undo, so the keyboard user is not thrown to the top of the page.
    await waitFor(() => a.evaluate(() => document.activeElement?.textContent === 'Undo'), { what: 'focus on Undo' });
    await a.keyboard.press('Enter');
    await listed('First room', 'Second room');
    await entry(a, 'Second room').getByRole('button', { name: 'Forget Second room' }).click();
    await listed('First room');
    await a.reload();
    await entry(a, 'First room').waitFor();
    await listed('First room');

    // A candidate's browser never lists the room it joined.
    const candidate = await pages.open();
    const b = candidate.page;
    await joinAs(b, candidateUrl, 'Ada');
    await b.goto(`${server!.url}/`);
    await b.getByRole('heading', { name: 'Create a room' }).waitFor();
    expect(await b.getByRole('heading', { name: 'Recent rooms' }).count()).toBe(0);
    expect(await b.evaluate(() => localStorage.getItem('interview:recent-rooms'))).toBeNull();

    // Corrupt storage is survived: the home page still works and starts a new list.
    await a.evaluate(() => localStorage.setItem('interview:recent-rooms', '{"version":1,"rooms":[{"roomId":"x"},'));
    await a.reload();
    await a.getByRole('heading', { name: 'Create a room' }).waitFor();
    expect(await a.getByRole('heading', { name: 'Recent rooms' }).count()).toBe(0);

    expect(interviewer.problems).toEqual([]);
    expect(candidate.problems).toEqual([]);
  });
});
