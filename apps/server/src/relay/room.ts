import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
  channelRights,
  CloseCode,
  decodeClientFrame,
  DocumentChannel,
  encodeAwarenessFrame,
  encodeDocumentUpdate,
  encodeRoomEvent,
  encodeSyncStep1,
  encodeSyncStep2,
  type RoomEvent,
  type RoomStatus,
  type SignalEvent,
} from '@interview/protocol';
import { errorFields, type Logger } from '../log.js';
import { roomStatusView } from '../rooms/record-views.js';
import type { RoomStore } from '../storage/room-store.js';
import { Attendance } from './attendance.js';
import { awarenessUpdateProblem } from './awareness-check.js';
import { Connection } from './connection.js';
import { candidateEventWhileEnded } from './ended-room.js';
import { LatestRun } from './latest-run.js';
import { OrderedDelivery } from './ordered-delivery.js';
import { RecordWrites } from './record-writes.js';
import { RunHistory } from './run-history.js';
import { SignalStamper } from './signals.js';

export interface RoomOptions {
  /** Which of the room's documents this relays; `main` when absent. */
  channel?: DocumentChannel;
  store: RoomStore;
  logger: Logger;
  /** Largest frame accepted, in bytes. */
  maxMessageBytes: number;
  /** Stored updates after which the room's state is snapshotted. */
  snapshotEvery: number;
  /** Called once the last connection has left, or the room failed. */
  onEmpty: (room: Room) => void;
  /** The relay's clock, for what it stamps and records; the system clock when absent. */
  clock?: () => Date;
}

/** Origin of updates replayed from storage: they are not stored again. */
const FROM_STORAGE = Symbol('from-storage');

const INTERRUPTED_BY_RESTART = 'The run was interrupted: the server restarted.';

/**
 * One active document channel of a room: its document, the participants'
 * presence and their sockets. Every document update is stored before any
 * other participant receives it; presence and room events are relayed at
 * once. Who may read and write follows `channelRights`: updates from a
 * connection without write rights are dropped. Room events, the latest
 * run, the room's status and its record (runs, signals, attendance) live
 * on the main channel only.
 */
export class Room {
  readonly doc = new Y.Doc();
  readonly channel: DocumentChannel;
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  private readonly connections = new Set<Connection>();
  private readonly delivery = new OrderedDelivery();
  private readonly latestRun: LatestRun;
  /** The connection whose browser executes the latest run, while it does. */
  private runner: Connection | null = null;
  private lastSeq: number;
  private updatesSinceSnapshot: number;
  private status: RoomStatus;
  private readonly clock: () => Date;
  private readonly writes: RecordWrites;
  private readonly runHistory: RunHistory;
  private readonly attendance: Attendance;
  private readonly signals = new SignalStamper();
  /** Set once the room stops taking participants; a new Room is loaded for later joins. */
  closed = false;

  private constructor(
    readonly id: string,
    private readonly options: RoomOptions,
    loaded: { lastSeq: number; replayedUpdates: number; latestRun: LatestRun; status: RoomStatus },
  ) {
    this.channel = options.channel ?? DocumentChannel.main;
    this.lastSeq = loaded.lastSeq;
    this.updatesSinceSnapshot = loaded.replayedUpdates;
    this.latestRun = loaded.latestRun;
    this.status = loaded.status;
    this.clock = options.clock ?? (() => new Date());
    this.writes = new RecordWrites((what, error) => options.logger.error(what, { roomId: id, channel: this.channel, ...errorFields(error) }));
    const record = { roomId: id, store: options.store, writes: this.writes, clock: this.clock };
    this.runHistory = new RunHistory(record);
    this.attendance = new Attendance(record);
    // The server is not a participant: it publishes no presence of its own.
    this.awareness.setLocalState(null);
    this.doc.on('update', this.onDocumentUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  static async load(roomId: string, options: RoomOptions): Promise<Room> {
    const channel = options.channel ?? DocumentChannel.main;
    const main = channel === DocumentChannel.main;
    const [stored, run, record] = await Promise.all([
      options.store.loadDocument(roomId, channel),
      // Runs and the room's status belong to the main channel; the others have no events at all.
      main ? options.store.loadLatestRun(roomId) : Promise.resolve(null),
      main ? options.store.findRoom(roomId) : Promise.resolve(null),
    ]);
    const room = new Room(roomId, options, {
      lastSeq: stored.lastSeq,
      replayedUpdates: stored.updates.length,
      latestRun: new LatestRun(run),
      status: roomStatusView(record?.ended ?? null),
    });
    if (main) {
      // Whoever ran them was disconnected by the restart: those runs cannot finish.
      if (room.latestRun.abandon(INTERRUPTED_BY_RESTART)) room.storeLatestRun();
      // Awaited: a run recorded after this room opens must not be caught by it.
      await room.writes.run('runs-not-ended', () => options.store.endUnfinishedRuns(roomId, room.clock(), INTERRUPTED_BY_RESTART));
    }
    const history = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
    for (const update of history) {
      try {
        Y.applyUpdate(room.doc, update, FROM_STORAGE);
      } catch (error) {
        // Only updates that applied were ever stored, so this means damage
        // on disk; the rest of the history still loads.
        options.logger.error('stored-update-skipped', { roomId, channel, ...errorFields(error) });
      }
    }
    return room;
  }

  get participantCount(): number {
    return this.connections.size;
  }

  /**
   * The rule for document updates: without the channel's write right, or
   * from a candidate while the interview is ended, they are dropped.
   */
  canWrite(connection: Connection): boolean {
    return this.writeRefusal(connection) === null;
  }

  /** Whether the interview has ended, as this room relays it (main channel). */
  get roomStatus(): RoomStatus {
    return { ...this.status };
  }

  /**
   * The interview was ended or reopened: everyone hears it at once. On
   * reopening, candidates are asked for what the room lacks, so edits their
   * client made while its writes were dropped merge now, not at their next reconnect.
   */
  setStatus(status: RoomStatus): void {
    if (this.channel !== DocumentChannel.main) return;
    const reopened = this.status.ended && !status.ended;
    this.status = { ...status };
    this.broadcast(encodeRoomEvent({ type: 'room-status', payload: { ...status } }), null);
    if (!reopened) return;
    const stateVector = encodeSyncStep1(Y.encodeStateVector(this.doc));
    for (const connection of this.connections) {
      if (connection.participant.role === 'candidate') connection.send(stateVector);
    }
  }

  join(connection: Connection): void {
    if (this.closed) throw new Error(`room ${this.id} (${this.channel}) is closed`);
    this.connections.add(connection);
    // ws.ts refuses these during the upgrade; this is the relay's own guard, before any data is sent.
    if (!channelRights(this.channel, connection.participant.role).read) {
      this.refuse(connection, CloseCode.Forbidden, `a ${connection.participant.role} may not open the ${this.channel} channel`);
      return;
    }
    if (this.channel === DocumentChannel.main) this.attendance.joined(connection);
    // Our state vector first: the client answers with what we lack.
    connection.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    const present = [...this.awareness.getStates().keys()];
    if (present.length > 0) {
      connection.send(encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, present)));
    }
    if (this.status.ended) connection.send(encodeRoomEvent({ type: 'room-status', payload: { ...this.status } }));
    for (const event of this.latestRun.replay()) connection.send(encodeRoomEvent(event));
  }

  leave(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    if (this.channel === DocumentChannel.main) {
      this.runHistory.abandon(connection, `The run was interrupted: ${connection.participant.name} left the room.`);
      this.attendance.left(connection);
    }
    if (this.runner === connection) {
      this.runner = null;
      const ended = this.latestRun.abandon(`The run was interrupted: ${connection.participant.name} left the room.`);
      if (ended) {
        this.storeLatestRun();
        this.broadcast(encodeRoomEvent(ended), null);
      }
    }
    if (connection.awarenessClients.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessClients], null);
    }
    if (this.connections.size === 0 && !this.closed) {
      this.closed = true;
      this.options.onEmpty(this);
    }
  }

  /** Handles one frame from a participant. A bad frame closes that participant's socket only. */
  receive(connection: Connection, data: Uint8Array): void {
    if (connection.closed) return;
    if (data.byteLength > this.options.maxMessageBytes) {
      this.refuse(connection, CloseCode.MessageTooLarge, `message of ${data.byteLength} bytes exceeds the limit of ${this.options.maxMessageBytes}`);
      return;
    }
    const frame = decodeClientFrame(data);
    if (!frame.ok) {
      this.refuse(connection, CloseCode.BadMessage, frame.reason);
      return;
    }
    const message = frame.value;
    switch (message.kind) {
      case 'sync-step1':
        this.answerSyncStep1(connection, message.stateVector);
        return;
      case 'update': {
        const refusal = this.writeRefusal(connection);
        if (refusal) {
          // Not closed: a stock client sends its sync step 2 on every connect,
          // and a closed socket would reconnect and send it again, forever.
          this.options.logger.debug('update-dropped', {
            roomId: this.id,
            channel: this.channel,
            connectionId: connection.participant.connectionId,
            role: connection.participant.role,
            reason: refusal,
            bytes: message.update.byteLength,
          });
          return;
        }
        try {
          // Decoded whole first: applyUpdate integrates the structs before it
          // reads the delete set, so a truncated update would half-apply.
          Y.decodeUpdate(message.update);
          Y.applyUpdate(this.doc, message.update, connection);
        } catch (error) {
          this.refuse(connection, CloseCode.BadMessage, `document update does not apply: ${errorFields(error).error}`);
        }
        return;
      }
      case 'awareness': {
        const problem = awarenessUpdateProblem(message.update, {
          role: connection.participant.role,
          knownClock: (clientId) => this.awareness.meta.get(clientId)?.clock ?? 0,
          otherOwnerRole: (clientId) => {
            for (const other of this.connections) {
              if (other !== connection && other.awarenessClients.has(clientId)) return other.participant.role;
            }
            return null;
          },
        });
        if (problem) {
          this.refuse(connection, CloseCode.BadMessage, problem);
          return;
        }
        awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, connection);
        return;
      }
      case 'query-awareness':
        connection.send(
          encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])),
        );
        return;
      case 'event':
        if (this.channel !== DocumentChannel.main) {
          this.refuse(connection, CloseCode.BadMessage, `room events are accepted on the main channel only, not on ${this.channel}`);
          return;
        }
        this.relayEvent(connection, message.event);
        return;
    }
  }

  /** Waits for queued writes, stores a final snapshot and releases the document. */
  async unload(): Promise<void> {
    this.closed = true;
    await this.delivery.drained();
    await this.writes.settled();
    if (this.updatesSinceSnapshot > 0) await this.snapshot();
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** Closes every socket (e.g. on shutdown); the room unloads once they have left. */
  closeAll(code: number, reason: string): void {
    for (const connection of [...this.connections]) {
      connection.close(code, reason);
      this.leave(connection);
    }
  }

  private answerSyncStep1(connection: Connection, stateVector: Uint8Array): void {
    let missing: Uint8Array;
    try {
      missing = Y.encodeStateAsUpdate(this.doc, stateVector);
    } catch (error) {
      this.refuse(connection, CloseCode.BadMessage, `state vector does not decode: ${errorFields(error).error}`);
      return;
    }
    // Sent after pending writes, so a joiner never sees an edit before it is stored.
    this.delivery.whenDelivered(() => connection.send(encodeSyncStep2(missing)));
  }

  private readonly onDocumentUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === FROM_STORAGE) return;
    const author = origin instanceof Connection ? { role: origin.participant.role, name: origin.participant.name } : null;
    const stored = this.options.store.appendUpdate({ roomId: this.id, channel: this.channel, update, author, at: new Date() });
    const frame = encodeDocumentUpdate(update);
    this.delivery.after(
      stored,
      (seq) => {
        this.lastSeq = seq;
        this.broadcast(frame, origin);
        if (++this.updatesSinceSnapshot >= this.options.snapshotEvery) void this.snapshot();
      },
      (error) => this.fail(error),
    );
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin instanceof Connection) {
      for (const id of added) origin.awarenessClients.add(id);
      for (const id of updated) origin.awarenessClients.add(id);
      for (const id of removed) origin.awarenessClients.delete(id);
    }
    const changed = [...added, ...updated, ...removed];
    // Sent to the sender too: a participant alone in a room still hears
    // from the server, which keeps the provider's idle watchdog quiet.
    this.broadcast(encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)), null);
  };

  /** Why this connection's document updates are dropped, or null when they are applied. */
  private writeRefusal(connection: Connection): 'read-only-channel' | 'interview-ended' | null {
    const { role } = connection.participant;
    if (!channelRights(this.channel, role).write) return 'read-only-channel';
    if (this.status.ended && role === 'candidate') return 'interview-ended';
    return null;
  }

  private relayEvent(connection: Connection, incoming: RoomEvent): void {
    const { participant } = connection;
    if (incoming.type === 'room-status') {
      this.refuse(connection, CloseCode.BadMessage, 'room-status events are sent by the server only');
      return;
    }
    if (incoming.type === 'signal') {
      this.relaySignal(connection, incoming);
      return;
    }
    if (this.status.ended && participant.role === 'candidate') {
      const rule = candidateEventWhileEnded(incoming, (runId) => this.runHistory.isRunning(runId, connection));
      if (rule.action !== 'relay') {
        this.options.logger.debug('event-dropped', {
          roomId: this.id,
          connectionId: participant.connectionId,
          role: participant.role,
          type: incoming.type,
          reason: `interview ended: ${rule.reason}`,
        });
        if (rule.action === 'answer') connection.send(encodeRoomEvent(rule.reply));
        return;
      }
    }
    let event = incoming;
    switch (event.type) {
      case 'execute-code': {
        // Who ran the code is what the server knows, not what the client claims.
        const by = { name: participant.name, role: participant.role };
        event = { ...event, payload: { ...event.payload, by } };
        this.latestRun.start(event);
        this.runner = connection;
        this.storeLatestRun();
        this.runHistory.started(connection, event, by);
        break;
      }
      case 'execution-output':
        this.latestRun.append(event);
        this.runHistory.output(connection, event);
        break;
      case 'execution-result':
        if (this.latestRun.finish(event)) {
          this.runner = null;
          this.storeLatestRun();
        }
        this.runHistory.finished(connection, event);
        break;
      default:
        break;
    }
    this.broadcast(encodeRoomEvent(event), connection);
  }

  /** Stamps a candidate's signal, records it and tells the interviewers, and no one else. */
  private relaySignal(connection: Connection, event: SignalEvent): void {
    const { participant } = connection;
    const outcome = this.signals.stamp(connection, participant, event.payload, this.clock());
    switch (outcome.action) {
      case 'refuse':
        this.refuse(connection, CloseCode.BadMessage, outcome.reason);
        return;
      case 'drop':
        this.options.logger.debug('signal-dropped', {
          roomId: this.id,
          connectionId: participant.connectionId,
          role: participant.role,
          kind: event.payload.kind,
          reason: outcome.reason,
        });
        return;
      case 'accept': {
        const { record } = outcome;
        this.writes.run('signal-not-stored', () => this.options.store.appendSignal(this.id, record));
        const frame = encodeRoomEvent(outcome.event);
        for (const other of this.connections) {
          if (other.participant.role === 'interviewer') other.send(frame);
        }
        return;
      }
    }
  }

  private storeLatestRun(): void {
    const run = this.latestRun.snapshot();
    if (!run) return;
    this.writes.run('latest-run-not-stored', () => this.options.store.saveLatestRun(this.id, run));
  }

  private async snapshot(): Promise<void> {
    this.updatesSinceSnapshot = 0;
    try {
      await this.options.store.saveSnapshot(this.id, Y.encodeStateAsUpdate(this.doc), this.lastSeq, this.channel);
    } catch (error) {
      this.options.logger.error('snapshot-failed', { roomId: this.id, channel: this.channel, ...errorFields(error) });
    }
  }

  private broadcast(frame: Uint8Array, except: unknown): void {
    for (const connection of this.connections) {
      if (connection !== except) connection.send(frame);
    }
  }

  private refuse(connection: Connection, code: number, reason: string): void {
    this.options.logger.warn('message-refused', { roomId: this.id, channel: this.channel, connectionId: connection.participant.connectionId, code, reason });
    connection.close(code, reason);
    this.leave(connection);
  }

  /**
   * A write failed: the document now holds something storage may not. Drop
   * every participant so they reconnect to a room reloaded from storage and
   * send their edits again.
   */
  private fail(error: unknown): void {
    this.options.logger.error('update-not-stored', { roomId: this.id, channel: this.channel, ...errorFields(error) });
    this.closeAll(CloseCode.StorageFailure, 'the server could not store an edit; reconnecting');
  }
}
