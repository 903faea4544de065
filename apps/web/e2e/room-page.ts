import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { CreateRoomResponse, Language } from '@interview/protocol';
import { waitFor } from '@interview/test-support';

/** A page with what went wrong on it and what it requested. */
export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions, CSP violations included. */
  problems: string[];
  /** URLs of everything except WebSockets (whose query carries the token by contract). */
  requests: string[];
}

/** Opens pages in separate contexts (separate storage, like two machines) and closes them all at the end. */
export class PageOpener {
  readonly #contexts: BrowserContext[] = [];

  constructor(private readonly browser: () => Browser) {}

  async open(permissions: string[] = []): Promise<WatchedPage> {
    const context = await this.browser().newContext({ permissions });
    this.#contexts.push(context);
    const page = await context.newPage();
    const watched: WatchedPage = { page, problems: [], requests: [] };
    page.on('console', (message) => {
      if (message.type() === 'error') watched.problems.push(message.text());
    });
    page.on('pageerror', (error) => watched.problems.push(error.message));
    page.on('request', (request) => {
      if (request.resourceType() !== 'websocket') watched.requests.push(request.url());
    });
    return watched;
  }

  async closeAll(): Promise<void> {
    for (const context of this.#contexts.splice(0)) await context.close().catch(() => {});
  }
}

export const editorOf = (page: Page): Locator => page.getByRole('textbox', { name: 'Code editor' });

/** The document as lines, without remote-caret widgets and their name labels. */
export async function editorText(page: Page): Promise<string> {
  return editorOf(page).evaluate((content) => {
    const copy = content.cloneNode(true) as HTMLElement;
    for (const widget of copy.querySelectorAll('.cm-ySelectionCaret, .cm-widgetBuffer')) widget.remove();
    return [...copy.querySelectorAll('.cm-line')].map((line) => line.textContent).join('\n');
  });
}

/** Types at the end of the document, on a new line. */
export async function typeAtEnd(page: Page, text: string): Promise<void> {
  await editorOf(page).click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
}

/**
 * Replaces the whole program by pasting it, as a person would; typing it
 * would trigger auto-indent and bracket closing.
 */
export async function replaceCode(page: Page, code: string): Promise<void> {
  await editorOf(page).click();
  await page.keyboard.press('Control+a');
  await editorOf(page).evaluate((editor, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, code);
  await waitFor(async () => (await editorText(page)) === code, { what: 'the pasted program in the editor' });
}

export async function createRoomByApi(baseUrl: string, title: string, language?: Language): Promise<CreateRoomResponse> {
  const response = await fetch(`${baseUrl}/api/rooms`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(language ? { title, language } : { title }),
  });
  if (response.status !== 201) throw new Error(`POST /api/rooms answered ${response.status}`);
  return (await response.json()) as CreateRoomResponse;
}

/** Opens a room link in a fresh context, which always asks for a name first. */
export async function joinAs(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join room' }).click();
  await editorOf(page).waitFor();
  await page.getByRole('status', { name: 'Connected', exact: true }).waitFor();
}

/** Pastes text into an editor at its caret, as a person would; one paste is one Yjs update. */
export async function pasteInto(editor: Locator, text: string): Promise<void> {
  await editor.click();
  await editor.evaluate((element, value) => {
    const data = new DataTransfer();
    data.setData('text/plain', value);
    element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

/** Every WebSocket frame a page receives and sends, with the socket's URL, from the moment this is called. */
export interface FrameCapture {
  received: Array<{ url: string; payload: Buffer }>;
  sent: Array<{ url: string; payload: Buffer }>;
  urls: string[];
}

export function captureWebSocketFrames(page: Page): FrameCapture {
  const capture: FrameCapture = { received: [], sent: [], urls: [] };
  const bytes = (payload: string | Buffer): Buffer => (typeof payload === 'string' ? Buffer.from(payload) : payload);
  page.on('websocket', (socket) => {
    const url = socket.url();
    capture.urls.push(url);
    socket.on('framereceived', ({ payload }) => capture.received.push({ url, payload: bytes(payload) }));
    socket.on('framesent', ({ payload }) => capture.sent.push({ url, payload: bytes(payload) }));
  });
  return capture;
}

/**
 * Creates a room from the home page, as an interviewer does, and stays on
 * the "Your room is ready" panel. Returns the candidate link shown there.
 */
export async function createRoomFromHomePage(page: Page, baseUrl: string, title: string, name: string): Promise<{ candidateUrl: string }> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Room title').fill(title);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Create room' }).click();
  const candidateUrl = await page.getByLabel('Candidate link').inputValue();
  return { candidateUrl };
}

/** The token in a room link's fragment. */
export function tokenOfLink(link: string): string {
  const token = new URLSearchParams(new URL(link).hash.slice(1)).get('token');
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

/** The room's token from a room link's fragment. */
export function tokenOf(link: string): string {
  return new URLSearchParams(new URL(link).hash.slice(1)).get('token') ?? '';
}

/** A new room with Grace (interviewer) and Ada (candidate) in it, each in a fresh context. */
export async function joinPair(
  baseUrl: string,
  pages: PageOpener,
  title: string,
  language?: Language,
): Promise<{ room: CreateRoomResponse; interviewer: WatchedPage; candidate: WatchedPage }> {
  const room = await createRoomByApi(baseUrl, title, language);
  const interviewer = await pages.open();
  const candidate = await pages.open();
  await joinAs(interviewer.page, room.interviewerUrl, 'Grace');
  await joinAs(candidate.page, room.candidateUrl, 'Ada');
  return { room, interviewer, candidate };
}
