import { Router, type Request, type Response } from 'express';
import {
  ApiLimits,
  isLanguage,
  QUESTION_ID_PATTERN,
  validateQuestionInput,
  type ApiError,
  type CreateRoomRequest,
  type Language,
  type QuestionList,
} from '@interview/protocol';
import { errorFields, type Logger } from '../log.js';
import { newQuestion, questionView } from '../questions/question-bank.js';
import type { RoomDirectory } from '../rooms/room-directory.js';
import type { RoomStore } from '../storage/room-store.js';
import { requireInterviewerPasscode } from './interviewer-passcode.js';

export interface ApiOptions {
  directory: RoomDirectory;
  store: RoomStore;
  logger: Logger;
  /** The base of links handed out for this request. */
  baseUrl: (req: Request) => string;
  /** INTERVIEWER_PASSCODE: null when the instance is open. */
  interviewerPasscode: string | null;
}

function sendError(res: Response, status: number, error: string): void {
  res.status(status).json({ error } satisfies ApiError);
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseCreateRoom(body: unknown): Parsed<{ title: string; language: Language; questionId: string | null }> {
  if (body === undefined || body === null) return { ok: true, value: { title: 'Interview', language: 'python', questionId: null } };
  if (typeof body !== 'object' || Array.isArray(body)) return { ok: false, error: 'the body must be a JSON object' };
  const { title, language, questionId } = body as CreateRoomRequest & Record<string, unknown>;
  if (title !== undefined && typeof title !== 'string') return { ok: false, error: 'title must be a string' };
  const trimmed = (title ?? '').trim();
  if (trimmed.length > ApiLimits.titleLength) return { ok: false, error: `title must be at most ${ApiLimits.titleLength} characters` };
  if (language !== undefined && !isLanguage(language)) return { ok: false, error: 'language must be "python" or "javascript"' };
  if (questionId !== undefined && questionId !== null && (typeof questionId !== 'string' || !QUESTION_ID_PATTERN.test(questionId))) {
    return { ok: false, error: 'questionId must be the id of a question' };
  }
  return { ok: true, value: { title: trimmed || 'Interview', language: language ?? 'python', questionId: questionId ?? null } };
}

function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match?.[1] ?? null;
}

/** The JSON API under /api and the health check. */
export function apiRoutes({ directory, store, logger, baseUrl, interviewerPasscode }: ApiOptions): Router {
  const router = Router();
  const interviewersOnly = requireInterviewerPasscode(interviewerPasscode);

  router.get('/healthz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ok' });
    } catch (error) {
      logger.error('health-check-failed', errorFields(error));
      res.status(503).json({ status: 'unavailable', error: 'storage is not writable' });
    }
  });

  router.post('/api/rooms', interviewersOnly, async (req, res) => {
    const parsed = parseCreateRoom(req.body);
    if (!parsed.ok) {
      sendError(res, 400, parsed.error);
      return;
    }
    const { title, language, questionId } = parsed.value;
    const question = questionId === null ? null : await store.getQuestion(questionId);
    if (questionId !== null && !question) {
      sendError(res, 400, `questionId: no question with id "${questionId}"`);
      return;
    }
    const created = await directory.create(baseUrl(req), { title, language, ...(question ? { question } : {}) });
    logger.info('room-created', { roomId: created.roomId, language, questionId });
    res.status(201).json(created);
  });

  router.use('/api/questions', interviewersOnly);

  router.get('/api/questions', async (_req, res) => {
    const questions = await store.listQuestions();
    res.json({ questions: questions.map(questionView) } satisfies QuestionList);
  });

  router.post('/api/questions', async (req, res) => {
    const parsed = validateQuestionInput(req.body);
    if (!parsed.ok) {
      sendError(res, 400, parsed.error);
      return;
    }
    const question = newQuestion(parsed.value);
    await store.createQuestion(question);
    logger.info('question-created', { questionId: question.id });
    res.status(201).json(questionView(question));
  });

  router.get('/api/questions/:id', async (req, res) => {
    const question = QUESTION_ID_PATTERN.test(req.params.id) ? await store.getQuestion(req.params.id) : null;
    if (!question) {
      sendError(res, 404, 'question not found');
      return;
    }
    res.json(questionView(question));
  });

  router.put('/api/questions/:id', async (req, res) => {
    const existing = QUESTION_ID_PATTERN.test(req.params.id) ? await store.getQuestion(req.params.id) : null;
    if (!existing) {
      sendError(res, 404, 'question not found');
      return;
    }
    if (existing.builtIn) {
      sendError(res, 403, 'built-in questions cannot be edited; create a copy with POST /api/questions instead');
      return;
    }
    const parsed = validateQuestionInput(req.body);
    if (!parsed.ok) {
      sendError(res, 400, parsed.error);
      return;
    }
    const updated = await store.updateQuestion(existing.id, parsed.value, new Date());
    if (!updated) {
      sendError(res, 404, 'question not found');
      return;
    }
    logger.info('question-updated', { questionId: updated.id });
    res.json(questionView(updated));
  });

  router.delete('/api/questions/:id', async (req, res) => {
    const existing = QUESTION_ID_PATTERN.test(req.params.id) ? await store.getQuestion(req.params.id) : null;
    if (!existing) {
      sendError(res, 404, 'question not found');
      return;
    }
    if (existing.builtIn) {
      sendError(res, 403, 'built-in questions cannot be deleted');
      return;
    }
    await store.deleteQuestion(existing.id);
    logger.info('question-deleted', { questionId: existing.id });
    res.status(204).end();
  });

  router.get('/api/rooms/:roomId', async (req, res) => {
    const token = bearerToken(req);
    const access = await directory.authorize(req.params.roomId, token);
    if (access === 'unknown-room') {
      sendError(res, 404, 'room not found');
      return;
    }
    if (access === 'bad-token' || !token) {
      sendError(res, 401, 'this link does not open the room');
      return;
    }
    res.json(directory.info(baseUrl(req), access, token));
  });

  return router;
}
