import type { ApiError, RoomReview } from '@interview/protocol';
import { ApiRequestError } from '../api.js';

/**
 * `GET /api/rooms/:roomId/review`, the interviewer-only record of a room.
 * `lib/api.ts` keeps its request helper private; this follows the same
 * contract (status 0 when the server was not reached, the server's own
 * message otherwise) and also checks the body's shape, since the page
 * renders every list in it.
 */

type Fetch = typeof fetch;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Enough of `RoomReview` to render without throwing: the strings the page
 * prints and the lists it walks. Field-level checks stay on the server.
 */
export function isRoomReview(value: unknown): value is RoomReview {
  if (!isRecord(value)) return false;
  const strings = ['roomId', 'title', 'createdAt', 'language', 'code', 'statement', 'notes', 'generatedAt'] as const;
  if (!strings.every((key) => typeof value[key] === 'string')) return false;
  if (!isRecord(value.status) || typeof value.status.ended !== 'boolean') return false;
  const lists = ['runs', 'signals', 'participants'] as const;
  if (!lists.every((key) => Array.isArray(value[key]) && (value[key] as unknown[]).every(isRecord))) return false;
  return (value.runs as Array<Record<string, unknown>>).every((run) => typeof run.code === 'string' && typeof run.output === 'string' && isRecord(run.by));
}

function isApiError(value: unknown): value is ApiError {
  return isRecord(value) && typeof value.error === 'string';
}

/** The review as the server sent it: checked, never rewritten, so "Download JSON" gives exactly that. */
export async function fetchRoomReview(roomId: string, token: string, fetchImpl: Fetch = fetch): Promise<RoomReview> {
  const operation = 'load review';
  let response: Response;
  try {
    response = await fetchImpl(`/api/rooms/${encodeURIComponent(roomId)}/review`, {
      method: 'GET',
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiRequestError(0, 'Could not reach the server. Check your connection and try again.', operation);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiRequestError(response.status, isApiError(body) ? body.error : `${response.status} ${response.statusText}`.trim(), operation);
  }
  if (!isRoomReview(body)) throw new ApiRequestError(response.status, 'The server sent a review this page cannot read.', operation);
  return body;
}

export interface ReviewLoadFailure {
  title: string;
  detail: string;
  /** Whether trying again can help (the server was not reached or failed). */
  retry: boolean;
  /** Whether the token may still open the room itself (a candidate's does). */
  roomLink: boolean;
}

/** What to tell an interviewer whose review could not be shown. */
export function describeReviewLoadError(error: unknown): ReviewLoadFailure {
  if (error instanceof ApiRequestError) {
    switch (error.status) {
      case 0:
        return { title: 'The server cannot be reached', detail: 'Check your connection, then try again.', retry: true, roomLink: false };
      case 401:
        return { title: 'This link is not valid', detail: 'Open the review from your interviewer link to this room.', retry: false, roomLink: false };
      case 403:
        return { title: 'Only interviewers can see the review', detail: 'This link opens the room as the candidate.', retry: false, roomLink: true };
      case 404:
        return { title: 'Room not found', detail: 'This room does not exist or has been removed.', retry: false, roomLink: false };
      default:
        return { title: 'The review could not be loaded', detail: error.message, retry: error.status >= 500, roomLink: false };
    }
  }
  return { title: 'The review could not be loaded', detail: 'Something went wrong. Reload the page to try again.', retry: true, roomLink: false };
}
