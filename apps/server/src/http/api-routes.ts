import { Router, type Request, type Response } from 'express';
import { ApiLimits, isLanguage, type ApiError, type CreateRoomRequest, type Language } from '@interview/protocol';
import { errorFields, type Logger } from '../log.js';
import type { RoomDirectory } from '../rooms/room-directory.js';
import type { RoomStore } from '../storage/room-store.js';

export interface ApiOptions {
  directory: RoomDirectory;
  store: RoomStore;
  logger: Logger;
  /** The base of links handed out for this request. */
  baseUrl: (req: Request) => string;
}

function sendError(res: Response, status: number, error: string): void {
  res.status(status).json({ error } satisfies ApiError);
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseCreateRoom(body: unknown): Parsed<{ title: string; language: Language }> {
  if (body === undefined || body === null) return { ok: true, value: { title: 'Interview', language: 'python' } };
  if (typeof body !== 'object' || Array.isArray(body)) return { ok: false, error: 'the body must be a JSON object' };
  const { title, language } = body as CreateRoomRequest & Record<string, unknown>;
  if (title !== undefined && typeof title !== 'string') return { ok: false, error: 'title must be a string' };
  const trimmed = (title ?? '').trim();
  if (trimmed.length > ApiLimits.titleLength) return { ok: false, error: `title must be at most ${ApiLimits.titleLength} characters` };
  if (language !== undefined && !isLanguage(language)) return { ok: false, error: 'language must be "python" or "javascript"' };
  return { ok: true, value: { title: trimmed || 'Interview', language: language ?? 'python' } };
}

function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match?.[1] ?? null;
}

/** The JSON API under /api and the health check. */
export function apiRoutes({ directory, store, logger, baseUrl }: ApiOptions): Router {
  const router = Router();

  router.get('/healthz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ok' });
    } catch (error) {
      logger.error('health-check-failed', errorFields(error));
      res.status(503).json({ status: 'unavailable', error: 'storage is not writable' });
    }
  });

  router.post('/api/rooms', async (req, res) => {
    const parsed = parseCreateRoom(req.body);
    if (!parsed.ok) {
      sendError(res, 400, parsed.error);
      return;
    }
    const created = await directory.create(baseUrl(req), parsed.value);
    logger.info('room-created', { roomId: created.roomId, language: parsed.value.language });
    res.status(201).json(created);
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
