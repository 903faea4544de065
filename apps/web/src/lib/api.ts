import {
  PASSCODE_HEADER,
  type ApiError,
  type ClientConfig,
  type CreateRoomRequest,
  type CreateRoomResponse,
  type Question,
  type QuestionInput,
  type QuestionList,
  type RoomInfo,
  type RoomStatus,
  type RunList,
  type RunRecordView,
  type SetRoomStatusRequest,
  type SignalList,
  type SignalRecordView,
} from '@interview/protocol';

/** A failed API call, with the HTTP status and the server's own message. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly operation: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

type Fetch = typeof fetch;

function isApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && typeof (value as ApiError).error === 'string';
}

async function request<T>(fetchImpl: Fetch, operation: string, url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    // status 0: the request never reached the server
    throw new ApiRequestError(0, 'Could not reach the server. Check your connection and try again.', operation);
  }
  // 204 No Content (a deletion) has no body to read.
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = isApiError(body) ? body.error : `${response.status} ${response.statusText}`.trim();
    throw new ApiRequestError(response.status, message, operation);
  }
  if (body === null || typeof body !== 'object') {
    throw new ApiRequestError(response.status, 'The server sent an unexpected response.', operation);
  }
  return body as T;
}

/** Headers of an interviewer-only call: JSON, and the passcode when there is one. */
function interviewerHeaders(passcode: string | null): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (passcode !== null) headers[PASSCODE_HEADER] = passcode;
  return headers;
}

export function createRoom(body: CreateRoomRequest, passcode: string | null = null, fetchImpl: Fetch = fetch): Promise<CreateRoomResponse> {
  return request(fetchImpl, 'create room', '/api/rooms', { method: 'POST', headers: interviewerHeaders(passcode), body: JSON.stringify(body) });
}

const questionPath = (id: string) => `/api/questions/${encodeURIComponent(id)}`;

export async function listQuestions(passcode: string | null, fetchImpl: Fetch = fetch): Promise<Question[]> {
  const list = await request<QuestionList>(fetchImpl, 'list questions', '/api/questions', { method: 'GET', headers: interviewerHeaders(passcode) });
  return list.questions;
}

export function saveQuestion(id: string | null, input: QuestionInput, passcode: string | null, fetchImpl: Fetch = fetch): Promise<Question> {
  return request(fetchImpl, id === null ? 'create question' : 'update question', id === null ? '/api/questions' : questionPath(id), {
    method: id === null ? 'POST' : 'PUT',
    headers: interviewerHeaders(passcode),
    body: JSON.stringify(input),
  });
}

/** One question with its hints, for the interviewer's view of the room's current question. */
export function getQuestion(id: string, passcode: string | null, fetchImpl: Fetch = fetch): Promise<Question> {
  return request(fetchImpl, 'load question', questionPath(id), { method: 'GET', headers: interviewerHeaders(passcode) });
}

export function deleteQuestion(id: string, passcode: string | null, fetchImpl: Fetch = fetch): Promise<void> {
  return request(fetchImpl, 'delete question', questionPath(id), { method: 'DELETE', headers: interviewerHeaders(passcode) });
}

const roomPath = (roomId: string, rest = '') => `/api/rooms/${encodeURIComponent(roomId)}${rest}`;

/** Headers of a call made with a room token (the interviewer's, for everything below). */
function bearer(token: string, json = false): Record<string, string> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  if (json) headers['Content-Type'] = 'application/json';
  return headers;
}

export function fetchRoomInfo(roomId: string, token: string, fetchImpl: Fetch = fetch): Promise<RoomInfo> {
  return request(fetchImpl, 'load room', roomPath(roomId), { method: 'GET', headers: bearer(token) });
}

/**
 * Ends or reopens the interview; the relay tells everyone in the room.
 * `name` is who ends it, for the record (`endedBy`): the token says only
 * that an interviewer asks, not which one.
 */
export function setRoomStatus(roomId: string, token: string, ended: boolean, name: string, fetchImpl: Fetch = fetch): Promise<RoomStatus> {
  const body: SetRoomStatusRequest & { name: string } = { ended, name };
  return request(fetchImpl, ended ? 'end interview' : 'reopen interview', roomPath(roomId, '/status'), {
    method: 'PUT',
    headers: bearer(token, true),
    body: JSON.stringify(body),
  });
}

/** Every recorded run of the room, oldest first (interviewers only). */
export async function fetchRuns(roomId: string, token: string, fetchImpl: Fetch = fetch): Promise<RunRecordView[]> {
  const list = await request<RunList>(fetchImpl, 'load runs', roomPath(roomId, '/runs'), { method: 'GET', headers: bearer(token) });
  if (!Array.isArray(list.runs)) throw new ApiRequestError(200, 'The server sent an unexpected list of runs.', 'load runs');
  return list.runs;
}

/** The candidate's stored signals, oldest first (interviewers only). */
export async function fetchSignals(roomId: string, token: string, fetchImpl: Fetch = fetch): Promise<SignalRecordView[]> {
  const list = await request<SignalList>(fetchImpl, 'load signals', roomPath(roomId, '/signals'), { method: 'GET', headers: bearer(token) });
  if (!Array.isArray(list.signals)) throw new ApiRequestError(200, 'The server sent an unexpected list of signals.', 'load signals');
  return list.signals;
}

export function fetchClientConfig(fetchImpl: Fetch = fetch): Promise<ClientConfig> {
  return request(fetchImpl, 'load configuration', '/api/config', { method: 'GET', headers: { Accept: 'application/json' } });
}

/**
 * The request never reached a working server: no answer at all, or a
 * proxy in front saying the server behind it is down. Nothing says the
 * room or the token is wrong.
 */
export function serverOutOfReach(error: unknown): boolean {
  return error instanceof ApiRequestError && (error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504);
}

/** What to tell a person whose room could not be opened. */
export function describeRoomLoadError(error: unknown): { title: string; detail: string } {
  if (error instanceof ApiRequestError) {
    if (error.status === 401 || error.status === 403) {
      return { title: 'This link is not valid', detail: 'Ask the interviewer for a new link to this room.' };
    }
    if (error.status === 404) {
      return { title: 'Room not found', detail: 'This room does not exist or has been removed.' };
    }
    return { title: 'The room could not be opened', detail: error.message };
  }
  return { title: 'The room could not be opened', detail: 'Something went wrong. Reload the page to try again.' };
}
