import type { DocumentChannel, QuestionInput, Role } from '@interview/protocol';
import type {
  ChannelSeeds,
  ParticipantId,
  ParticipantRecord,
  QuestionRecord,
  RoomEnding,
  RoomRecord,
  RoomStore,
  RunRecord,
  SignalRecord,
  StoredDocument,
  StoredRun,
  UpdateRecord,
} from '../storage/room-store.js';
import type { OperationRecorder, StorageMetrics } from './storage-metrics.js';

/**
 * Times one call and hands back its own promise's outcome unchanged. A
 * store that throws instead of rejecting is reported as a rejection, which
 * is what an awaiting caller sees of an async method anyway. Promise
 * callbacks rather than async/await keep the extra microtask hops to one.
 */
function measured<T>(recorder: OperationRecorder, call: () => Promise<T>): Promise<T> {
  const start = performance.now();
  let pending: Promise<T>;
  try {
    pending = call();
  } catch (error) {
    recorder.settled(start, true);
    return Promise.reject(error);
  }
  return pending.then(
    (value) => {
      recorder.settled(start, false);
      return value;
    },
    (error: unknown) => {
      recorder.settled(start, true);
      throw error;
    },
  );
}

/**
 * A `RoomStore` that records the latency and failures of every call of the
 * store it wraps, and otherwise is that store: same arguments, same
 * results, same errors.
 */
export class MeasuredRoomStore implements RoomStore {
  private readonly op: StorageMetrics['operations'];

  constructor(
    private readonly store: RoomStore,
    metrics: StorageMetrics,
  ) {
    this.op = metrics.operations;
  }

  createRoom(room: RoomRecord, seed: Uint8Array, channelSeeds?: ChannelSeeds): Promise<void> {
    return measured(this.op.createRoom, () => this.store.createRoom(room, seed, channelSeeds));
  }

  findRoom(roomId: string): Promise<RoomRecord | null> {
    return measured(this.op.findRoom, () => this.store.findRoom(roomId));
  }

  setRoomStatus(roomId: string, ended: RoomEnding | null): Promise<boolean> {
    return measured(this.op.setRoomStatus, () => this.store.setRoomStatus(roomId, ended));
  }

  loadDocument(roomId: string, channel?: DocumentChannel): Promise<StoredDocument> {
    return measured(this.op.loadDocument, () => this.store.loadDocument(roomId, channel));
  }

  appendUpdate(record: UpdateRecord): Promise<number> {
    return measured(this.op.appendUpdate, () => this.store.appendUpdate(record));
  }

  saveSnapshot(roomId: string, state: Uint8Array, throughSeq: number, channel?: DocumentChannel): Promise<void> {
    return measured(this.op.saveSnapshot, () => this.store.saveSnapshot(roomId, state, throughSeq, channel));
  }

  saveLatestRun(roomId: string, run: StoredRun): Promise<void> {
    return measured(this.op.saveLatestRun, () => this.store.saveLatestRun(roomId, run));
  }

  loadLatestRun(roomId: string): Promise<StoredRun | null> {
    return measured(this.op.loadLatestRun, () => this.store.loadLatestRun(roomId));
  }

  saveRun(roomId: string, run: RunRecord): Promise<void> {
    return measured(this.op.saveRun, () => this.store.saveRun(roomId, run));
  }

  listRuns(roomId: string): Promise<RunRecord[]> {
    return measured(this.op.listRuns, () => this.store.listRuns(roomId));
  }

  endUnfinishedRuns(roomId: string, at: Date, error: string): Promise<number> {
    return measured(this.op.endUnfinishedRuns, () => this.store.endUnfinishedRuns(roomId, at, error));
  }

  appendSignal(roomId: string, signal: SignalRecord): Promise<void> {
    return measured(this.op.appendSignal, () => this.store.appendSignal(roomId, signal));
  }

  listSignals(roomId: string): Promise<SignalRecord[]> {
    return measured(this.op.listSignals, () => this.store.listSignals(roomId));
  }

  recordJoin(roomId: string, participant: { name: string; role: Role; joinedAt: Date }): Promise<ParticipantId> {
    return measured(this.op.recordJoin, () => this.store.recordJoin(roomId, participant));
  }

  recordLeave(roomId: string, id: ParticipantId, leftAt: Date): Promise<void> {
    return measured(this.op.recordLeave, () => this.store.recordLeave(roomId, id, leftAt));
  }

  listParticipants(roomId: string): Promise<ParticipantRecord[]> {
    return measured(this.op.listParticipants, () => this.store.listParticipants(roomId));
  }

  listQuestions(): Promise<QuestionRecord[]> {
    return measured(this.op.listQuestions, () => this.store.listQuestions());
  }

  getQuestion(id: string): Promise<QuestionRecord | null> {
    return measured(this.op.getQuestion, () => this.store.getQuestion(id));
  }

  createQuestion(question: QuestionRecord): Promise<void> {
    return measured(this.op.createQuestion, () => this.store.createQuestion(question));
  }

  updateQuestion(id: string, input: QuestionInput, updatedAt: Date): Promise<QuestionRecord | null> {
    return measured(this.op.updateQuestion, () => this.store.updateQuestion(id, input, updatedAt));
  }

  deleteQuestion(id: string): Promise<boolean> {
    return measured(this.op.deleteQuestion, () => this.store.deleteQuestion(id));
  }

  ping(): Promise<void> {
    return measured(this.op.ping, () => this.store.ping());
  }

  close(): Promise<void> {
    return measured(this.op.close, () => this.store.close());
  }
}
