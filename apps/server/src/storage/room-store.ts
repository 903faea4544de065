import type {
  DocumentChannel,
  ExecuteCodeEvent,
  ExecutionOutputEvent,
  ExecutionResultEvent,
  Language,
  QuestionInput,
  Role,
  RunAuthor,
  RunStatus,
  SignalKind,
} from '@interview/protocol';

/** When and by whom an interview was ended. */
export interface RoomEnding {
  at: Date;
  /** The interviewer's display name. */
  by: string;
}

/** A room as stored. Tokens are kept only as SHA-256 digests. */
export interface RoomRecord {
  id: string;
  title: string;
  language: Language;
  interviewerTokenHash: Uint8Array;
  candidateTokenHash: Uint8Array;
  createdAt: Date;
  /** Set while the interview is ended (candidates read only); null while it is open. */
  ended: RoomEnding | null;
}

/** Who wrote an update; `null` for the server's own seed. */
export interface UpdateAuthor {
  role: Role;
  name: string;
}

export interface UpdateRecord {
  roomId: string;
  /** Which of the room's documents the update belongs to; `main` when absent. */
  channel?: DocumentChannel;
  /** A Yjs update (v1 encoding). */
  update: Uint8Array;
  author: UpdateAuthor | null;
  at: Date;
}

/** What a room's document is rebuilt from: the latest snapshot, then every later update. */
export interface StoredDocument {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Sequence number of the last update included (0 when there is none). */
  lastSeq: number;
}

/** A room's latest run, replayed to participants who join later. */
export interface StoredRun {
  execute: ExecuteCodeEvent;
  output: ExecutionOutputEvent['payload'][];
  result: ExecutionResultEvent | null;
}

/** One relayed run, as the relay recorded it; one per (room, runId). */
export interface RunRecord {
  runId: string;
  language: Language;
  code: string;
  /** Who ran it, from the connection (never from the client's claim). */
  by: RunAuthor;
  startedAt: Date;
  /** null while the run is still going. */
  finishedAt: Date | null;
  /** null while the run is still going. */
  status: RunStatus | null;
  /** What the run printed, already cut to `RecordLimits.outputChars`. */
  output: string;
  error: string | null;
  durationMs: number | null;
}

/** A candidate's signal, stamped by the relay. */
export interface SignalRecord {
  kind: SignalKind;
  at: Date;
  by: RunAuthor;
  chars?: number;
  lines?: number;
  awayMs?: number;
}

/** One connection of a participant to a room's main channel. */
export interface ParticipantRecord {
  name: string;
  role: Role;
  joinedAt: Date;
  /** null while connected, or when the server stopped before the leave was recorded. */
  leftAt: Date | null;
}

/** The store's handle on one recorded join, to record its leave. */
export type ParticipantId = number;

/** A question of the bank as stored. */
export interface QuestionRecord extends QuestionInput {
  id: string;
  builtIn: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** First updates of a room's other channels, written with the room (the statement of its question). */
export type ChannelSeeds = Partial<Record<Exclude<DocumentChannel, 'main'>, Uint8Array>>;

/**
 * Durable storage of rooms and their document history. The embedded SQLite
 * implementation is the default; others (PostgreSQL) implement the same
 * contract and pass the same test suite.
 */
export interface RoomStore {
  /**
   * Stores a new room and its seed update (the first of its main history),
   * and the first update of each channel in `channelSeeds`, in one transaction.
   */
  createRoom(room: RoomRecord, seed: Uint8Array, channelSeeds?: ChannelSeeds): Promise<void>;
  findRoom(roomId: string): Promise<RoomRecord | null>;
  /** Ends (with an ending) or reopens (null) a room; resolves with false when there is no such room. */
  setRoomStatus(roomId: string, ended: RoomEnding | null): Promise<boolean>;
  /**
   * One document of a room (`main` unless a channel is given). Each channel
   * has its own history and snapshot; a channel never written is empty.
   */
  loadDocument(roomId: string, channel?: DocumentChannel): Promise<StoredDocument>;
  /**
   * Appends one update and resolves with its sequence number once it is
   * durable. Implementations may group concurrent calls into one commit;
   * calls for one room resolve in the order they were made.
   */
  appendUpdate(record: UpdateRecord): Promise<number>;
  /** Stores the full state of one of a room's documents (`main` by default) as of (at least) update `throughSeq`. */
  saveSnapshot(roomId: string, state: Uint8Array, throughSeq: number, channel?: DocumentChannel): Promise<void>;
  saveLatestRun(roomId: string, run: StoredRun): Promise<void>;
  loadLatestRun(roomId: string): Promise<StoredRun | null>;
  /** Stores a run, replacing the one with the same (room, runId) but keeping its place in the list. */
  saveRun(roomId: string, run: RunRecord): Promise<void>;
  /** A room's runs, oldest first. */
  listRuns(roomId: string): Promise<RunRecord[]>;
  /**
   * Marks every run of the room still without a status as stopped, with
   * this error: their runners were cut off (the server restarted).
   * Resolves with how many there were.
   */
  endUnfinishedRuns(roomId: string, at: Date, error: string): Promise<number>;
  appendSignal(roomId: string, signal: SignalRecord): Promise<void>;
  /** A room's signals, oldest first. */
  listSignals(roomId: string): Promise<SignalRecord[]>;
  /** Records a participant joining; the id it resolves with records the leave. */
  recordJoin(roomId: string, participant: { name: string; role: Role; joinedAt: Date }): Promise<ParticipantId>;
  recordLeave(roomId: string, id: ParticipantId, leftAt: Date): Promise<void>;
  /** A room's participants' connections, in the order they joined. */
  listParticipants(roomId: string): Promise<ParticipantRecord[]>;
  /** Every question of the bank: built-in ones first, then by title. */
  listQuestions(): Promise<QuestionRecord[]>;
  getQuestion(id: string): Promise<QuestionRecord | null>;
  /** Stores a new question; rejects when its id is taken. */
  createQuestion(question: QuestionRecord): Promise<void>;
  /** Replaces a question's content; resolves with the stored question, or null when there is none with this id. */
  updateQuestion(id: string, input: QuestionInput, updatedAt: Date): Promise<QuestionRecord | null>;
  /** Resolves with whether a question was deleted. */
  deleteQuestion(id: string): Promise<boolean>;
  /** Resolves when the store can read and write; used by the health check. */
  ping(): Promise<void>;
  /** Waits for pending writes, then releases the store. */
  close(): Promise<void>;
}
