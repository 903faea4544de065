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
  type RoomStatus,
  type RunList,
  type SignalList,
} from '@interview/protocol';
import { errorFields, type Logger } from '../log.js';
import { newQuestion, questionView } from '../questions/question-bank.js';
import { displayName } from '../rooms/display-name.js';
import { roomStatusView, runView, signalView } from '../rooms/record-views.js';
import type { RoomAccess, RoomDirectory } from '../rooms/room-directory.js';
import { roomReview } from '../rooms/room-review.js';
import type { RoomStore } from '../storage/room-store.js';
import { bearerToken } from './bearer-token.js';
import { requireInterviewerPasscode } from './interviewer-passcode.js';
import type { SlidingWindowLimit } from './sliding-window-limit.js';
import { sendTooManyRequests } from './too-many-requests.js';

export interface ApiOptions {
  directory: RoomDirectory;
  store: RoomStore;
  logger: Logger;
  /** The base of links handed out for this request. */
  baseUrl: (req: Request) => string;
  /** INTERVIEWER_PASSCODE: null when the instance is open. */
  interviewerPasscode: string | null;
  /** Wrong passcodes per client address; without it, guesses are not limited. */
  failedPasscodes?: SlidingWindowLimit;
  /** Rooms created per client address; without it, creation is not limited. */
  roomCreations?: SlidingWindowLimit;
  /** Told of each room created, for the metrics. */
  roomCreated?: () => void;
  /** Tells the relay that an interview was ended or reopened, once it is stored. */
  statusChanged: (roomId: string, status: RoomStatus) => Promise<void>;
  clock: () => Date;
  /** What the health check reports beside storage; a single instance on its own when absent. */
  deployment?: Deployment;
}

/** Which storage and bus this instance runs on, for the health check. */
export interface Deployment {
  instanceId: string;
  storage: 'sqlite' | 'postgres';
  /** `local`: no bus, this instance serves its rooms alone. */
  bus: () => 'local' | 'connected' | 'disconnected';
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

/** Who ends an interview when the request does not say: shown as "ended by …". */
const DEFAULT_ENDED_BY = 'Interviewer';

function parseSetRoomStatus(body: unknown): Parsed<{ ended: boolean; name: string }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'the body must be a JSON object: {"ended": true} ends the interview, {"ended": false} reopens it' };
  }
  // The fields of a SetRoomStatusRequest, checked one by one.
  const { ended, name } = body as Record<string, unknown>;
  if (typeof ended !== 'boolean') return { ok: false, error: 'ended must be true (end the interview) or false (reopen it)' };
  if (name !== undefined && typeof name !== 'string') return { ok: false, error: 'name must be a string' };
  return { ok: true, value: { ended, name: displayName(name, DEFAULT_ENDED_BY) } };
}

/** The JSON API under /api and the health check. */
export function apiRoutes(options: ApiOptions): Router {
  const { directory, store, logger, baseUrl, interviewerPasscode, statusChanged, clock } = options;
  const router = Router();
  const interviewersOnly = requireInterviewerPasscode(interviewerPasscode, options.failedPasscodes);

  /** The room and role the request's bearer token opens; null once the refusal is sent. */
  async function roomAccess(req: Request<{ roomId: string }>, res: Response): Promise<{ access: RoomAccess; token: string } | null> {
    const token = bearerToken(req);
    const access = await directory.authorize(req.params.roomId, token);
    if (access === 'unknown-room') {
      sendError(res, 404, 'room not found');
      return null;
    }
    if (access === 'bad-token' || !token) {
      sendError(res, 401, 'this link does not open the room');
      return null;
    }
    return { access, token };
  }

  /** As roomAccess, for the interviewer's token only: a candidate's gets 403. */
  async function interviewerAccess(req: Request<{ roomId: string }>, res: Response): Promise<RoomAccess | null> {
    const opened = await roomAccess(req, res);
    if (!opened) return null;
    if (opened.access.role !== 'interviewer') {
      sendError(res, 403, 'only the interviewer’s link may do this');
      return null;
    }
    return opened.access;
  }

  router.get('/healthz', async (_req, res) => {
    const deployment = options.deployment;
    const about = deployment ? { instance: deployment.instanceId, storage: deployment.storage, bus: deployment.bus() } : {};
    try {
      await store.ping();
      // Without the bus, rooms still work for everyone on this instance: degraded, not down.
      res.json({ status: about.bus === 'disconnected' ? 'degraded' : 'ok', ...about });
    } catch (error) {
      logger.error('health-check-failed', errorFields(error));
      res.status(503).json({ status: 'unavailable', error: 'the storage check failed', ...about });
    }
  });

  router.post('/api/rooms', interviewersOnly, async (req, res) => {
    // The client's address as TRUST_PROXY allows: behind an untrusted proxy, every client shares the proxy's.
    const client = req.ip ?? 'unknown';
    const waitMs = options.roomCreations?.retryAfterMs(client) ?? 0;
    if (waitMs > 0) {
      logger.warn('room-creation-limited', { retryAfterMs: waitMs });
      sendTooManyRequests(res, waitMs, 'rooms created');
      return;
    }
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
    options.roomCreations?.record(client);
    options.roomCreated?.();
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
    const opened = await roomAccess(req, res);
    if (!opened) return;
    res.json(directory.info(baseUrl(req), opened.access, opened.token));
  });

  router.put('/api/rooms/:roomId/status', async (req, res) => {
    const access = await interviewerAccess(req, res);
    if (!access) return;
    const parsed = parseSetRoomStatus(req.body);
    if (!parsed.ok) {
      sendError(res, 400, parsed.error);
      return;
    }
    const { room } = access;
    const { ended, name } = parsed.value;
    // Ending an ended interview (or reopening an open one) changes nothing: the first end keeps its time and author.
    if (ended === (room.ended !== null)) {
      res.json(roomStatusView(room.ended) satisfies RoomStatus);
      return;
    }
    const ending = ended ? { at: clock(), by: name } : null;
    if (!(await store.setRoomStatus(room.id, ending))) {
      sendError(res, 404, 'room not found');
      return;
    }
    const status = roomStatusView(ending);
    await statusChanged(room.id, status);
    logger.info('room-status-changed', { roomId: room.id, ended });
    res.json(status satisfies RoomStatus);
  });

  router.get('/api/rooms/:roomId/runs', async (req, res) => {
    const access = await interviewerAccess(req, res);
    if (!access) return;
    const runs = await store.listRuns(access.room.id);
    res.json({ runs: runs.map(runView) } satisfies RunList);
  });

  router.get('/api/rooms/:roomId/signals', async (req, res) => {
    const access = await interviewerAccess(req, res);
    if (!access) return;
    const signals = await store.listSignals(access.room.id);
    res.json({ signals: signals.map(signalView) } satisfies SignalList);
  });

  router.get('/api/rooms/:roomId/review', async (req, res) => {
    const access = await interviewerAccess(req, res);
    if (!access) return;
    const review = await roomReview(store, access.room, {
      now: clock(),
      onDamage: (channel, error) => logger.error('stored-update-skipped', { roomId: access.room.id, channel, ...errorFields(error) }),
    });
    res.json(review);
  });

  return router;
}
