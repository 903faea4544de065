import { launchChromium, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editorOf, editorText, joinPair, PageOpener, pasteInto } from './room-page.js';

/**
 * A paste larger than the server takes is refused in the editor, with the
 * reason, instead of being sent: sent, it would close the connection and
 * the browser's own copy would send it again on every reconnect.
 */

let server: ServerProcess | undefined;
let browser: Browser | undefined;
const pages = new PageOpener(() => browser!);

beforeAll(async () => {
  server = await startServer({ env: { MAX_MESSAGE_BYTES: '16384' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('edits larger than the server takes', () => {
  it('refuses the paste in the editor with the reason; the connection and the room carry on', async () => {
    const { interviewer, candidate } = await joinPair(server!.url, pages, 'Edit limits');
    const a = interviewer.page;
    const b = candidate.page;
    const before = await editorText(b);

    await pasteInto(editorOf(b), 'y'.repeat(20_000));
    const alert = b.getByRole('alert').filter({ hasText: 'This edit is too large to save' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/19 KiB at once, and the server takes at most 12 KiB\. Nothing was inserted\./);
    expect(await editorText(b)).toBe(before);
    expect(await b.getByRole('status', { name: 'Connected', exact: true }).isVisible()).toBe(true);

    // The room still works both ways, and the refused paste never reached anyone.
    await pasteInto(editorOf(b), 'x = 1\n');
    await waitFor(async () => (await editorText(a)).includes('x = 1'), { what: 'the small paste to reach the interviewer' });
    expect(await editorText(a)).not.toContain('yyyy');
    expect(server!.logs.some((line) => line.event === 'message-refused')).toBe(false);

    // The interviewer's notes are guarded the same way.
    const notes = a.getByRole('textbox', { name: 'Private notes editor' });
    await pasteInto(notes, 'n'.repeat(20_000));
    await a.getByRole('alert').filter({ hasText: 'This edit is too large to save' }).waitFor();
    expect(await notes.textContent()).not.toContain('nnnn');
  });
});
