import type { ParticipantRecordView, RoomStatus, RunRecordView, SignalRecordView } from '@interview/protocol';
import type { ParticipantRecord, RoomEnding, RunRecord, SignalRecord } from '../storage/room-store.js';

/** The API's and the relay's view of a stored room's status. */
export function roomStatusView(ended: RoomEnding | null): RoomStatus {
  return ended ? { ended: true, endedAt: ended.at.toISOString(), endedBy: ended.by } : { ended: false, endedAt: null, endedBy: null };
}

export function runView(run: RunRecord): RunRecordView {
  return {
    runId: run.runId,
    language: run.language,
    code: run.code,
    by: { name: run.by.name, role: run.by.role },
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    status: run.status,
    output: run.output,
    error: run.error,
    durationMs: run.durationMs,
  };
}

export function signalView(signal: SignalRecord): SignalRecordView {
  const view: SignalRecordView = { kind: signal.kind, at: signal.at.toISOString(), by: { name: signal.by.name, role: signal.by.role } };
  if (signal.chars !== undefined) view.chars = signal.chars;
  if (signal.lines !== undefined) view.lines = signal.lines;
  if (signal.awayMs !== undefined) view.awayMs = signal.awayMs;
  return view;
}

export function participantView(participant: ParticipantRecord): ParticipantRecordView {
  return {
    name: participant.name,
    role: participant.role,
    joinedAt: participant.joinedAt.toISOString(),
    leftAt: participant.leftAt?.toISOString() ?? null,
  };
}
