import type { ExecutionResultEvent, RoomEvent } from '@interview/protocol';

/** The error a candidate's run gets while the interview is ended. */
export const RUNS_CLOSED = 'The interview has ended: runs are closed.';

export type EndedRoomRule =
  | { action: 'relay' }
  /** Ignored; the socket stays open (a client that has not heard of the end yet may send it). */
  | { action: 'drop'; reason: string }
  /** Not relayed; `reply` goes back to the sender alone. */
  | { action: 'answer'; reply: ExecutionResultEvent; reason: string };

/**
 * What the relay does with a candidate's room event while the interview is
 * ended: the candidate may watch and stop runs but not start one, and a
 * run of theirs that was already going may finish; anything else of theirs
 * about runs is dropped. Interviewers keep every right; signals and
 * room-status have rules of their own.
 */
export function candidateEventWhileEnded(event: RoomEvent, ownRunInProgress: (runId: string) => boolean): EndedRoomRule {
  switch (event.type) {
    case 'execute-code':
      return {
        action: 'answer',
        reply: { type: 'execution-result', payload: { runId: event.payload.runId, output: '', error: RUNS_CLOSED, status: 'error' } },
        reason: 'runs are closed',
      };
    case 'execution-input':
      return { action: 'drop', reason: 'input is closed' };
    case 'execution-output':
    case 'execution-input-request':
    case 'execution-result':
      return ownRunInProgress(event.payload.runId) ? { action: 'relay' } : { action: 'drop', reason: 'not a run of theirs still going' };
    case 'stop-execution':
    case 'signal':
      return { action: 'relay' };
    case 'room-status':
      return { action: 'drop', reason: 'sent by the server only' };
  }
}
