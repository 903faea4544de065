import { launchChromium, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editorOf, editorText, joinAs, PageOpener } from './room-page.js';

/**
 * The question bank on a passcode-protected server: an interviewer creates a
 * question on /questions, creates a room with it from the home page, and
 * later loads a built-in question in the room. The candidate sees each
 * statement and starter code; hints never reach the candidate.
 */

const PASSCODE = 'e2e passcode 7';
let server: ServerProcess | undefined;
let browser: Browser | undefined;
const pages = new PageOpener(() => browser!);

beforeAll(async () => {
  server = await startServer({ env: { INTERVIEWER_PASSCODE: PASSCODE } });
  browser = await launchChromium();
});

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('question bank', () => {
  it('creates a question, starts a room from it, and loads another one after a confirmation', async () => {
    const interviewer = await pages.open();
    const a = interviewer.page;

    // The bank asks for the passcode up front; a wrong one is refused and asked again.
    await a.goto(`${server!.url}/questions`);
    await a.getByLabel('Interviewer passcode').fill('not it');
    await a.getByRole('button', { name: 'Continue' }).click();
    await a.getByText('That passcode is not right').waitFor();
    await a.getByLabel('Interviewer passcode').fill(PASSCODE);
    await a.getByRole('button', { name: 'Continue' }).click();
    await a.getByRole('heading', { name: 'Two sum' }).waitFor();

    await a.getByRole('button', { name: 'New question' }).click();
    await a.getByLabel('Title').fill('Rotate a matrix');
    await a.getByLabel('Statement (Markdown)').fill('# Rotate a matrix\n\nRotate `m` by 90 degrees, STATEMENT-MARK-41.');
    await a.getByLabel('Python starter code').fill('def rotate(m):\n    return m  # STARTER-MARK-41\n');
    await a.getByLabel('Hints for interviewers (Markdown)').fill('HINT-MARK-41: transpose, then reverse each row.');
    await a.getByRole('button', { name: 'Save question' }).click();
    await a.getByRole('heading', { name: 'Rotate a matrix' }).waitFor();
    expect(await a.getByRole('button', { name: 'Delete Two sum' }).count()).toBe(0);

    // The home page remembers the passcode for this tab and lists the bank.
    await a.getByRole('link', { name: 'Create a room' }).click();
    await a.getByLabel('Your name').fill('Grace');
    expect(await a.getByLabel('Interviewer passcode').count()).toBe(0);
    await waitFor(async () => (await a.getByLabel('Question').locator('option', { hasText: 'Rotate a matrix' }).count()) === 1, {
      what: 'the new question in the select',
    });
    await a.getByLabel('Question').selectOption({ label: 'Rotate a matrix' });
    await a.getByRole('button', { name: 'Create room' }).click();
    const candidateUrl = await a.getByLabel('Candidate link').inputValue();
    await a.getByRole('link', { name: 'Enter room' }).click();
    await editorOf(a).waitFor();

    const candidate = await pages.open();
    const b = candidate.page;
    await joinAs(b, candidateUrl, 'Ada');
    const shown = b.getByRole('region', { name: 'Problem statement' });
    await shown.getByRole('heading', { name: 'Rotate a matrix' }).waitFor();
    await shown.getByText('STATEMENT-MARK-41', { exact: false }).waitFor();
    await waitFor(async () => (await editorText(b)).includes('STARTER-MARK-41'), { what: 'the question’s starter code for the candidate' });
    expect(await editorText(b)).toBe('def rotate(m):\n    return m  # STARTER-MARK-41\n');

    // Loading a question asks first; Cancel changes nothing.
    const loader = a.getByLabel('Load a question');
    await waitFor(async () => (await loader.locator('option', { hasText: 'Valid parentheses' }).count()) === 1 && (await loader.isEnabled()), {
      what: 'the question bank in the room',
    });
    await loader.selectOption({ label: 'Valid parentheses' });
    const confirm = a.getByRole('alertdialog', { name: 'Replace the statement and the code for everyone?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await confirm.count()).toBe(0);
    expect(await editorText(a)).toContain('STARTER-MARK-41');

    await loader.selectOption({ label: 'Valid parentheses' });
    await confirm.getByRole('button', { name: 'Replace' }).click();
    await shown.getByRole('heading', { name: 'Valid parentheses' }).waitFor();
    await waitFor(async () => (await editorText(b)).startsWith('def is_valid(s: str) -> bool:'), { what: 'the new starter code for the candidate' });
    expect(await editorText(b)).not.toContain('STARTER-MARK-41');
    expect(await shown.textContent()).not.toContain('STATEMENT-MARK-41');
    // The hints show to the interviewer only.
    await a.getByRole('region', { name: 'Question hints' }).getByText('A stack of expected closing brackets', { exact: false }).waitFor();
    expect(await b.getByText('A stack of expected closing brackets', { exact: false }).count()).toBe(0);
    expect(await b.getByLabel('Load a question').count()).toBe(0);

    expect(interviewer.problems.filter((p) => !/401/.test(p))).toEqual([]);
    expect(candidate.problems).toEqual([]);
  });
});
