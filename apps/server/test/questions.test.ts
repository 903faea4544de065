import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSCODE_HEADER, STARTER_CODE, type ClientConfig, type Question, type QuestionList } from '@interview/protocol';
import { startServer, type ServerProcess } from '@interview/test-support';
import { connectStockClient, createRoom, type StockClient } from './clients.js';

/** The question bank, the interviewer passcode and rooms created from a question, against the built server. */

const PASSCODE = 'open sesame 42';
let open: ServerProcess;
let guarded: ServerProcess;

beforeAll(async () => {
  [open, guarded] = await Promise.all([
    startServer(),
    startServer({ env: { INTERVIEWER_PASSCODE: PASSCODE, LOG_LEVEL: 'debug' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([open.stop(), guarded.stop()]);
});

function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

const custom = {
  title: 'Reverse words',
  statement: '# Reverse words\n\nReturn the words of `s` in reverse order.\n',
  starterCode: { python: 'def reverse_words(s):\n    return s\n' },
  hints: 'SECRET-HINT-5d1c: split, reverse, join.',
};

describe('question bank API', () => {
  it('lists the built-in questions with hints; each opens by id', async () => {
    const response = await call(open.url, 'GET', '/api/questions');
    expect(response.status).toBe(200);
    const { questions } = (await response.json()) as QuestionList;
    const ids = questions.map((q) => q.id);
    expect(ids).toEqual(expect.arrayContaining(['two-sum', 'valid-parentheses', 'merge-intervals', 'lru-cache', 'word-frequency', 'binary-search']));
    for (const q of questions.filter((q) => q.builtIn)) {
      expect(q.starterCode.python).toBeTruthy();
      expect(q.starterCode.javascript).toBeTruthy();
      expect(q.hints).toBeTruthy();
    }
    const one = (await (await call(open.url, 'GET', '/api/questions/two-sum')).json()) as Question;
    expect(one).toEqual(questions.find((q) => q.id === 'two-sum'));
  });

  it('creates, reads, updates and deletes a question', async () => {
    const created = await call(open.url, 'POST', '/api/questions', { ...custom, title: '  Reverse words  ' });
    expect(created.status).toBe(201);
    const question = (await created.json()) as Question;
    expect(question).toMatchObject({ ...custom, builtIn: false });
    expect(question.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(question.createdAt).toBe(question.updatedAt);

    const listed = (await (await call(open.url, 'GET', '/api/questions')).json()) as QuestionList;
    expect(listed.questions.find((q) => q.id === question.id)).toEqual(question);

    const put = await call(open.url, 'PUT', `/api/questions/${question.id}`, {
      title: 'Reverse words, in place',
      statement: 'Now in place.',
      starterCode: { javascript: 'function reverseWords(s) {}\n' },
    });
    expect(put.status).toBe(200);
    const updated = (await put.json()) as Question;
    expect(updated).toMatchObject({ id: question.id, title: 'Reverse words, in place', starterCode: { javascript: 'function reverseWords(s) {}\n' } });
    expect(updated.hints).toBeUndefined();
    expect(updated.createdAt).toBe(question.createdAt);
    expect(await (await call(open.url, 'GET', `/api/questions/${question.id}`)).json()).toEqual(updated);

    const deleted = await call(open.url, 'DELETE', `/api/questions/${question.id}`);
    expect(deleted.status).toBe(204);
    expect((await call(open.url, 'GET', `/api/questions/${question.id}`)).status).toBe(404);
    expect((await call(open.url, 'DELETE', `/api/questions/${question.id}`)).status).toBe(404);
  });

  it('answers bad bodies with 400 and unknown ids with 404', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ statement: 'S' }, /title is required/],
      [{ title: 'T', statement: '' }, /statement must not be empty/],
      [{ title: 'T', statement: 'S', starterCode: { ruby: 'x' } }, /unknown language "ruby"/],
      [{ title: 'T', statement: 'S', hints: 1 }, /hints must be a string/],
      [[1], /JSON object/],
      ['{"title": ', /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const response = await call(open.url, 'POST', '/api/questions', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await errorOf(response)).toMatch(message);
    }
    const mine = (await (await call(open.url, 'POST', '/api/questions', custom)).json()) as Question;
    const badPut = await call(open.url, 'PUT', `/api/questions/${mine.id}`, { title: 'T' });
    expect(badPut.status).toBe(400);
    expect(await errorOf(badPut)).toMatch(/statement is required/);
    // A statement well over the 16 KiB of other API bodies fits.
    const long = await call(open.url, 'POST', '/api/questions', { ...custom, statement: 'x'.repeat(19_000) });
    expect(long.status).toBe(201);

    for (const [method, body] of [['GET'], ['PUT', custom], ['DELETE']] as const) {
      const response = await call(open.url, method, '/api/questions/no-such-question', body);
      expect(response.status, method).toBe(404);
      expect(await errorOf(response)).toBe('question not found');
    }
  });

  it('refuses to edit or delete a built-in question with 403 and leaves it unchanged', async () => {
    const before = await (await call(open.url, 'GET', '/api/questions/lru-cache')).json();
    const put = await call(open.url, 'PUT', '/api/questions/lru-cache', custom);
    expect(put.status).toBe(403);
    expect(await errorOf(put)).toMatch(/built-in questions cannot be edited; create a copy/);
    const del = await call(open.url, 'DELETE', '/api/questions/lru-cache');
    expect(del.status).toBe(403);
    expect(await errorOf(del)).toMatch(/built-in questions cannot be deleted/);
    expect(await (await call(open.url, 'GET', '/api/questions/lru-cache')).json()).toEqual(before);
  });
});

describe('INTERVIEWER_PASSCODE', () => {
  it('tells the browser whether a passcode is needed', async () => {
    expect(((await (await fetch(`${open.url}/api/config`)).json()) as ClientConfig).passcodeRequired).toBe(false);
    expect(((await (await fetch(`${guarded.url}/api/config`)).json()) as ClientConfig).passcodeRequired).toBe(true);
  });

  it('guards room creation and every question route: 401 without or with a wrong passcode, success with it', async () => {
    const routes: Array<[string, string, unknown]> = [
      ['POST', '/api/rooms', { title: 'x' }],
      ['GET', '/api/questions', undefined],
      ['GET', '/api/questions/two-sum', undefined],
      ['POST', '/api/questions', custom],
      ['PUT', '/api/questions/two-sum', custom],
      ['DELETE', '/api/questions/two-sum', undefined],
    ];
    for (const [method, path, body] of routes) {
      const none = await call(guarded.url, method, path, body);
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(await errorOf(none)).toBe('this server requires the interviewer passcode');
      const wrong = await call(guarded.url, method, path, body, { [PASSCODE_HEADER]: 'open sesame 43' });
      expect(wrong.status, `${method} ${path}`).toBe(401);
      expect(await errorOf(wrong)).toBe('the interviewer passcode is wrong');
    }
    const ok = { [PASSCODE_HEADER]: PASSCODE };
    expect((await call(guarded.url, 'POST', '/api/rooms', { title: 'x' }, ok)).status).toBe(201);
    expect((await call(guarded.url, 'GET', '/api/questions', undefined, ok)).status).toBe(200);
    const created = await call(guarded.url, 'POST', '/api/questions', custom, ok);
    expect(created.status).toBe(201);
    // The passcode opens the bank, not built-in questions.
    expect((await call(guarded.url, 'DELETE', '/api/questions/two-sum', undefined, ok)).status).toBe(403);
  });

  it('leaves room links, the health check and the config open', async () => {
    const room = await call(guarded.url, 'POST', '/api/rooms', {}, { [PASSCODE_HEADER]: PASSCODE });
    const { roomId, candidateUrl } = (await room.json()) as { roomId: string; candidateUrl: string };
    const token = decodeURIComponent(new URL(candidateUrl).hash.slice('#token='.length));
    expect((await fetch(`${guarded.url}/api/rooms/${roomId}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
  });

  it('never writes the passcode, right or wrong, to its logs', async () => {
    await call(guarded.url, 'GET', '/api/questions', undefined, { [PASSCODE_HEADER]: PASSCODE });
    await call(guarded.url, 'GET', '/api/questions', undefined, { [PASSCODE_HEADER]: 'wrong-guess-77' });
    const logs = JSON.stringify(guarded.logs);
    expect(logs).toContain('/api/questions');
    expect(logs).not.toContain(PASSCODE);
    expect(logs).not.toContain('wrong-guess-77');
  });
});

describe('rooms created from a question', () => {
  const clients: StockClient[] = [];
  afterAll(() => {
    for (const client of clients) client.destroy();
  });

  async function synced(...args: Parameters<typeof connectStockClient>): Promise<StockClient> {
    const client = connectStockClient(...args);
    clients.push(client);
    await client.synced();
    return client;
  }

  it('starts with the question’s statement and its starter code; stock clients see both, the hints nowhere', async () => {
    const question = (await (await call(open.url, 'POST', '/api/questions', custom)).json()) as Question;
    const room = await createRoom(open.url, { title: 'From the bank', language: 'python', questionId: question.id });
    const code = await synced(open.url, room.roomId, room.candidateToken, 'Cleo');
    const statement = await synced(open.url, room.roomId, room.candidateToken, 'Cleo', 'statement');
    expect(code.text.toString()).toBe(custom.starterCode.python);
    expect(code.doc.getMap('meta').get('language')).toBe('python');
    expect(statement.text.toString()).toBe(custom.statement);
    expect(JSON.stringify(code.doc.toJSON()) + JSON.stringify(statement.doc.toJSON())).not.toContain('SECRET-HINT');

    // A language the question has no starter for falls back to the default starter.
    const js = await createRoom(open.url, { language: 'javascript', questionId: question.id });
    const jsCode = await synced(open.url, js.roomId, js.interviewerToken, 'Ada');
    const jsStatement = await synced(open.url, js.roomId, js.interviewerToken, 'Ada', 'statement');
    expect(jsCode.text.toString()).toBe(STARTER_CODE.javascript);
    expect(jsStatement.text.toString()).toBe(custom.statement);
  });

  it('starts a room without a question with the default starter and an empty statement', async () => {
    const room = await createRoom(open.url, { language: 'python' });
    const statement = await synced(open.url, room.roomId, room.interviewerToken, 'Ada', 'statement');
    const code = await synced(open.url, room.roomId, room.interviewerToken, 'Ada');
    expect(statement.text.toString()).toBe('');
    expect(code.text.toString()).toBe(STARTER_CODE.python);
  });

  it('refuses an unknown or malformed questionId with 400', async () => {
    const unknown = await call(open.url, 'POST', '/api/rooms', { questionId: 'no-such-question' });
    expect(unknown.status).toBe(400);
    expect(await errorOf(unknown)).toMatch(/no question with id "no-such-question"/);
    const malformed = await call(open.url, 'POST', '/api/rooms', { questionId: 5 });
    expect(malformed.status).toBe(400);
    expect(await errorOf(malformed)).toMatch(/questionId must be/);
  });
});
