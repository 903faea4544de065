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
  decodeRoomEvent,
  type Role,
  type RoomEvent,
  type RoomStatus,
  type SignalEvent,
} from '@interview/protocol';
import type { Audience, PeerMessage } from '../bus/peer-messages.js';
import type { RoomBus } from '../bus/room-bus.js';
import { errorFields, type Logger } from '../log.js';
import { roomStatusView } from '../rooms/record-views.js';
import type { RoomStore } from '../storage/room-store.js';
import { refusalReason } from '../metrics/refusal-reasons.js';
import type { RelayMetrics } from '../metrics/relay-metrics.js';
import { Attendance } from './attendance.js';
import { inspectAwarenessUpdate, MAX_PRESENCES_PER_CONNECTION } from './awareness-check.js';
import { Connection } from './connection.js';
import { DocumentSizeLimit } from './document-size-limit.js';
import { candidateEventWhileEnded } from './ended-room.js';
import { LatestRun } from './latest-run.js';
import { OrderedDelivery } from './ordered-delivery.js';
import { PresenceMemory } from './presence-memory.js';
import { RecordWrites } from './record-writes.js';
import { RoomPeers } from './room-peers.js';
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
  /** What one room channel may hold; a limit left out is not enforced. */
  limits?: Partial<RoomLimits>;
  /** Counts refusals by reason; uncounted when absent. */
  metrics?: Pick<RelayMetrics, 'refused'>;
  /** Called once the last connection has left, or the room failed. */
  onEmpty: (room: Room) => void;
  /** The relay's clock, for what it stamps and records; the system clock when absent. */
  clock?: () => Date;
  /** Other relay instances serving the same rooms; this instance serves its rooms alone when absent. */
  bus?: { bus: RoomBus; instanceId: string } | null;
  /** Whether other instances may write the same rooms to this storage (PostgreSQL), even without a bus. */
  sharedStorage?: boolean;
}

export interface RoomLimits {
  /** Encoded size the document may grow to; updates that add content past it are refused. */
  maxDocumentBytes: number;
  /** Connections the channel takes; the next is refused. */
  maxParticipants: number;
  /** Characters of output one connection may stream per run it starts. */
  maxRunOutputChars: number;
}

/** Origin of updates replayed from storage: they are not stored again. */
const FROM_STORAGE = Symbol('from-storage');
/** Origin of updates another instance stored: relayed here, not stored again. */
const FROM_PEER = Symbol('from-peer');

/** Origin of presence heard from another instance, with the role of the connection it came from there. */
class PeerPresence {
  constructor(readonly role: Role) {}
}

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
  /** Presence client ids owned by connections on other instances, with their roles. */
  private readonly peerOwners = new Map<number, Role>();
  /** Set once the room stops taking participants; a new Room is loaded for later joins. */
  closed = false;
  /** While a participant's update is applied: what the document emits waits here until the apply has finished. */
  private held: Array<{ update: Uint8Array; origin: unknown }> | null = null;
  /** An update threw halfway through applying: the document in memory is no longer what storage holds. */
  private damaged = false;
  private readonly size: DocumentSizeLimit | null;
  /** Output characters each connection streamed since it last started a run. */
  private readonly runOutput = new WeakMap<Connection, number>();
  private readonly presenceMemory: PresenceMemory;

  private constructor(
    readonly id: string,
    private readonly options: RoomOptions,
    private readonly peers: RoomPeers,
    loaded: { lastSeq: number; replayedUpdates: number; storedBytes: number; latestRun: LatestRun; status: RoomStatus },
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
    const maxDocumentBytes = options.limits?.maxDocumentBytes;
    this.size =
      maxDocumentBytes === undefined
        ? null
        : new DocumentSizeLimit({
            maxBytes: maxDocumentBytes,
            measure: () => Y.encodeStateAsUpdate(this.doc).byteLength,
            initialEstimate: loaded.storedBytes,
          });
    // The server is not a participant: it publishes no presence of its own.
    this.awareness.setLocalState(null);
    this.presenceMemory = new PresenceMemory({
      meta: this.awareness.meta,
      present: (clientId) => this.awareness.states.has(clientId),
      now: () => this.clock().getTime(),
    });
    // Its own id was never a participant's.
    this.presenceMemory.settle([this.doc.clientID]);
    this.doc.on('update', this.onDocumentUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  static async load(roomId: string, options: RoomOptions): Promise<Room> {
    const channel = options.channel ?? DocumentChannel.main;
    const main = channel === DocumentChannel.main;
    // Subscribed before storage is read: whatever another instance stores
    // after the read, it publishes after the subscription, so it arrives.
    const peers = options.bus
      ? await RoomPeers.join(options.bus.bus, options.bus.instanceId, roomId, channel, options.logger)
      : RoomPeers.alone(roomId, channel, options.logger);
    let stored, run, record;
    try {
      [stored, run, record] = await Promise.all([
        options.store.loadDocument(roomId, channel),
        // Runs and the room's status belong to the main channel; the others have no events at all.
        main ? options.store.loadLatestRun(roomId) : Promise.resolve(null),
        main ? options.store.findRoom(roomId) : Promise.resolve(null),
      ]);
    } catch (error) {
      peers.leave();
      throw error;
    }
    const history = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
    const room = new Room(roomId, options, peers, {
      lastSeq: stored.lastSeq,
      replayedUpdates: stored.updates.length,
      storedBytes: history.reduce((sum, update) => sum + update.byteLength, 0),
      latestRun: new LatestRun(run),
      status: roomStatusView(record?.ended ?? null),
    });
    if (main) {
      // Whoever ran them was disconnected by the restart: those runs cannot finish.
      if (room.latestRun.abandon(INTERRUPTED_BY_RESTART)) room.storeLatestRun();
      // Awaited: a run recorded after this room opens must not be caught by it.
      await room.writes.run('runs-not-ended', () => options.store.endUnfinishedRuns(roomId, room.clock(), INTERRUPTED_BY_RESTART));
    }
    for (const update of history) {
      try {
        Y.applyUpdate(room.doc, update, FROM_STORAGE);
      } catch (error) {
        // Only updates that applied were ever stored, so this means damage
        // on disk; the rest of the history still loads.
        options.logger.error('stored-update-skipped', { roomId, channel, ...errorFields(error) });
      }
    }
    peers.attach(room.onPeerMessage, () => void room.catchUp('bus-reconnected'));
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
    // Local only: the registry publishes the change to other instances itself, loaded here or not.
    this.broadcast(encodeRoomEvent({ type: 'room-status', payload: { ...status } }), null);
    if (!reopened) return;
    const stateVector = encodeSyncStep1(Y.encodeStateVector(this.doc));
    for (const connection of this.connections) {
      if (connection.participant.role === 'candidate') connection.send(stateVector);
    }
  }

  join(connection: Connection): void {
    if (this.closed) throw new Error(`room ${this.id} (${this.channel}) is closed`);
    const maxParticipants = this.options.limits?.maxParticipants;
    if (maxParticipants !== undefined && this.connections.size >= maxParticipants) {
      // Never added: nothing of the room is sent to it.
      this.options.logger.warn('room-full', {
        roomId: this.id,
        channel: this.channel,
        connectionId: connection.participant.connectionId,
        role: connection.participant.role,
        limit: maxParticipants,
      });
      this.options.metrics?.refused('room-full');
      connection.close(CloseCode.RoomFull, `the room is full: it takes at most ${maxParticipants} participants`);
      return;
    }
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
        this.relay(encodeRoomEvent(ended), null, 'everyone');
      }
    }
    if (connection.awarenessClients.size > 0) {
      // With the connection as origin, so that other instances hear of the removal too.
      awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessClients], connection);
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
    // Presence is counted once inspected: echoes of what the room holds are free.
    if (message.kind !== 'awareness' && !this.withinRate(connection)) return;
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
        let decoded: ReturnType<typeof Y.decodeUpdate>;
        try {
          // Decoded whole first: applyUpdate integrates the structs before it
          // reads the delete set, so a truncated update would half-apply.
          decoded = Y.decodeUpdate(message.update);
        } catch (error) {
          this.refuse(connection, CloseCode.BadMessage, `document update does not decode: ${errorFields(error).error}`);
          return;
        }
        // Yjs integrates an empty item and is left unable to finish its transactions.
        if (decoded.structs.some((struct) => struct.length === 0)) {
          this.refuse(connection, CloseCode.BadMessage, 'document update holds an empty item');
          return;
        }
        // Deletions always pass: a document at its limit must be able to shrink.
        const adds = decoded.structs.length > 0;
        if (adds && this.size && !this.size.admits(message.update.byteLength)) {
          this.refuse(
            connection,
            CloseCode.DocumentTooLarge,
            `the document would grow past the limit of ${this.size.maxBytes} bytes; this edit was not saved`,
          );
          return;
        }
        if (this.applyFrom(connection, message.update)) {
          if (adds) this.size?.grew(message.update.byteLength);
          else this.size?.shrank();
        }
        return;
      }
      case 'awareness': {
        const { problem, takesEffect, clientIds } = inspectAwarenessUpdate(message.update, {
          role: connection.participant.role,
          knownClock: this.knownClock,
          otherOwnerRole: (clientId) => {
            for (const other of this.connections) {
              if (other !== connection && other.awarenessClients.has(clientId)) return other.participant.role;
            }
            return this.peerOwners.get(clientId) ?? null;
          },
          owned: {
            has: (clientId) => connection.awarenessClients.has(clientId),
            size: connection.awarenessClients.size,
            max: MAX_PRESENCES_PER_CONNECTION,
          },
        });
        // A refused update counts too.
        if ((problem !== null || takesEffect) && !this.withinRate(connection)) return;
        if (problem) {
          this.refuse(connection, CloseCode.BadMessage, problem);
          return;
        }
        awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, connection);
        this.presenceMemory.settle(clientIds);
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

  /** Counts a message against its sender's rate; past it, the sender is refused. */
  private withinRate(connection: Connection): boolean {
    const { rate } = connection;
    if (!rate || rate.take()) return true;
    this.refuse(connection, CloseCode.TooManyMessages, `more than ${rate.perSecond} messages per second`);
    return false;
  }

  private readonly knownClock = (clientId: number): number => this.awareness.meta.get(clientId)?.clock ?? 0;

  /** Waits for queued writes, stores a final snapshot and releases the document. */
  async unload(): Promise<void> {
    this.closed = true;
    this.peers.leave();
    await this.delivery.drained();
    await this.writes.settled();
    if (this.updatesSinceSnapshot > 0) await this.snapshot();
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** Closes every socket (e.g. on shutdown) and unloads the room, even one nobody had joined yet. */
  closeAll(code: number, reason: string): void {
    for (const connection of [...this.connections]) {
      connection.close(code, reason);
      this.leave(connection);
    }
    if (this.connections.size === 0 && !this.closed) {
      this.closed = true;
      this.options.onEmpty(this);
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

  /**
   * Applies a participant's update. An update that throws before changing
   * the document is refused like a bad frame. Some decode but throw halfway
   * through being applied, after Yjs integrated part of them: nothing of
   * such an update may be stored or relayed, and the document in memory no
   * longer matches storage. The sender is refused, everyone else is sent to
   * reconnect (1012), and the room is loaded again from storage — a moment's
   * reconnect, and no edit lost or damaged.
   */
  private applyFrom(connection: Connection, update: Uint8Array): boolean {
    const held: Array<{ update: Uint8Array; origin: unknown }> = [];
    this.held = held;
    const { pendingStructs, pendingDs } = this.doc.store;
    try {
      Y.applyUpdate(this.doc, update, connection);
    } catch (error) {
      // Nothing emitted: Yjs threw before it changed the document, which is still what storage holds.
      if (held.length === 0) {
        // It may have set part of the update aside, waiting for what it lacks, before it threw:
        // that part would go to every joiner, and be stored once it could integrate.
        this.doc.store.pendingStructs = pendingStructs;
        this.doc.store.pendingDs = pendingDs;
        this.refuse(connection, CloseCode.BadMessage, `document update does not apply: ${errorFields(error).error}`);
        return false;
      }
      this.damaged = true;
      this.options.logger.error('document-damaged', {
        roomId: this.id,
        channel: this.channel,
        connectionId: connection.participant.connectionId,
        reason: errorFields(error).error,
      });
      this.refuse(connection, CloseCode.BadMessage, `document update does not apply: ${errorFields(error).error}`);
      this.closeAll(CloseCode.ServiceRestart, 'the room is reloading');
      return false;
    } finally {
      this.held = null;
    }
    for (const emitted of held) this.persistAndRelay(emitted.update, emitted.origin);
    return true;
  }

  private readonly onDocumentUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === FROM_STORAGE) return;
    if (this.held) {
      this.held.push({ update, origin });
      return;
    }
    this.persistAndRelay(update, origin);
  };

  private persistAndRelay(update: Uint8Array, origin: unknown): void {
    if (origin === FROM_PEER) {
      // Stored by the instance it came from, before it was published.
      this.broadcast(encodeDocumentUpdate(update), null);
      return;
    }
    const author = origin instanceof Connection ? { role: origin.participant.role, name: origin.participant.name } : null;
    const stored = this.options.store.appendUpdate({ roomId: this.id, channel: this.channel, update, author, at: new Date() });
    const frame = encodeDocumentUpdate(update);
    this.delivery.after(
      stored,
      (seq) => {
        this.lastSeq = seq;
        this.broadcast(frame, origin);
        this.peers.publish({ kind: 'update', update });
        if (++this.updatesSinceSnapshot >= this.options.snapshotEvery) void this.snapshot();
      },
      (error) => this.fail(error),
    );
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin instanceof Connection) {
      if (!origin.closed) {
        for (const id of added) origin.awarenessClients.add(id);
        for (const id of updated) origin.awarenessClients.add(id);
      }
      for (const id of removed) origin.awarenessClients.delete(id);
    } else if (origin instanceof PeerPresence) {
      for (const id of [...added, ...updated]) this.peerOwners.set(id, origin.role);
      for (const id of removed) this.peerOwners.delete(id);
    } else {
      // Timed out ('timeout'): every instance times presence out on its own.
      for (const id of removed) this.peerOwners.delete(id);
    }
    const changed = [...added, ...updated, ...removed];
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    // After encoding: the removal carries the departed clocks to everyone first.
    if (added.length > 0) this.presenceMemory.returned(added);
    if (removed.length > 0) this.presenceMemory.departed(removed);
    // Sent to the sender too: a participant alone in a room still hears
    // from the server, which keeps the provider's idle watchdog quiet.
    this.broadcast(encodeAwarenessFrame(update), null);
    if (origin instanceof Connection) this.peers.publish({ kind: 'awareness', role: origin.participant.role, update });
  };

  /** What another instance relayed for this room channel: its participants here get it too. */
  private readonly onPeerMessage = (message: PeerMessage): void => {
    if (this.closed) return;
    const context = { roomId: this.id, channel: this.channel, from: message.origin, kind: message.kind };
    switch (message.kind) {
      case 'update':
        try {
          Y.decodeUpdate(message.update);
          Y.applyUpdate(this.doc, message.update, FROM_PEER);
          // Stored by another instance within its own limit: counted here, never refused.
          this.size?.grew(message.update.byteLength);
        } catch (error) {
          this.options.logger.warn('peer-message-dropped', { ...context, ...errorFields(error) });
        }
        return;
      case 'awareness': {
        const { problem, clientIds } = inspectAwarenessUpdate(message.update);
        if (problem) {
          this.options.logger.warn('peer-message-dropped', { ...context, reason: problem });
          return;
        }
        awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, new PeerPresence(message.role));
        this.presenceMemory.settle(clientIds);
        return;
      }
      case 'event':
        this.receivePeerEvent(message.frame, message.audience, context);
        return;
    }
  };

  private receivePeerEvent(frame: Uint8Array, audience: Audience, context: Record<string, unknown>): void {
    const decoded = decodeRoomEvent(frame);
    if (!decoded.ok) {
      this.options.logger.warn('peer-message-dropped', { ...context, reason: decoded.reason });
      return;
    }
    const event = decoded.value;
    if (this.channel !== DocumentChannel.main) return;
    switch (event.type) {
      case 'room-status':
        this.setStatus(event.payload);
        return;
      // The instance whose participant runs the code stores the run; this one keeps it for its own late joiners.
      case 'execute-code':
        this.latestRun.start(event);
        this.runner = null;
        break;
      case 'execution-output':
        this.latestRun.append(event);
        break;
      case 'execution-result':
        this.latestRun.finish(event);
        break;
      default:
        break;
    }
    for (const connection of this.connections) {
      if (audience === 'everyone' || connection.participant.role === 'interviewer') connection.send(frame);
    }
  }

  /**
   * Reads the stored document and applies what this one lacks (relaying it
   * to the participants here): after a bus outage, updates other instances
   * stored meanwhile never arrived. Resolves with the stored sequence
   * number that the document now includes (at least).
   */
  async catchUp(why: 'bus-reconnected' | 'snapshot'): Promise<number> {
    const stored = await this.options.store.loadDocument(this.id, this.channel);
    if (this.doc.isDestroyed) return stored.lastSeq;
    const before = Y.encodeStateVector(this.doc);
    for (const update of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) {
      try {
        Y.applyUpdate(this.doc, update, FROM_PEER);
      } catch (error) {
        this.options.logger.error('stored-update-skipped', { roomId: this.id, channel: this.channel, ...errorFields(error) });
      }
    }
    if (why === 'bus-reconnected') {
      const caughtUp = !equalBytes(before, Y.encodeStateVector(this.doc));
      this.options.logger.info('room-caught-up', { roomId: this.id, channel: this.channel, changed: caughtUp });
      if (this.channel === DocumentChannel.main) {
        const record = await this.options.store.findRoom(this.id);
        const status = roomStatusView(record?.ended ?? null);
        if (record && status.ended !== this.status.ended) this.setStatus(status);
      }
    }
    return stored.lastSeq;
  }

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
    if (!this.withinRunOutput(connection, event)) return;
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
    this.relay(encodeRoomEvent(event), connection, 'everyone');
  }

  /**
   * Counts what a connection's runs stream. The web app truncates a run's
   * output well below the limit, so a connection past it is not the app:
   * it is refused rather than allowed to fill everyone's output panel.
   */
  private withinRunOutput(connection: Connection, event: RoomEvent): boolean {
    const limit = this.options.limits?.maxRunOutputChars;
    if (limit === undefined) return true;
    if (event.type === 'execute-code') {
      this.runOutput.set(connection, 0);
      return true;
    }
    if (event.type !== 'execution-output') return true;
    const chars = (this.runOutput.get(connection) ?? 0) + event.payload.text.length;
    this.runOutput.set(connection, chars);
    if (chars <= limit) return true;
    this.refuse(connection, CloseCode.RunOutputTooLarge, `the run's output passed the limit of ${limit} characters`);
    return false;
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
        this.relay(encodeRoomEvent(outcome.event), connection, 'interviewers');
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
    // A damaged document is never written back: storage holds the good one.
    if (this.damaged) return;
    try {
      // The snapshot claims only what storage shows this document holds. With
      // other instances writing, the highest sequence number this one stored
      // may lie past an update it has not heard yet; claiming it would make
      // every later load skip that update.
      const throughSeq = this.peers.shared || this.options.sharedStorage ? await this.catchUp('snapshot') : this.lastSeq;
      if (this.doc.isDestroyed) return;
      await this.options.store.saveSnapshot(this.id, Y.encodeStateAsUpdate(this.doc), throughSeq, this.channel);
    } catch (error) {
      this.options.logger.error('snapshot-failed', { roomId: this.id, channel: this.channel, ...errorFields(error) });
    }
  }

  private broadcast(frame: Uint8Array, except: unknown): void {
    for (const connection of this.connections) {
      if (connection !== except) connection.send(frame);
    }
  }

  /** A room event for everyone (or the interviewers) here and on the other instances. */
  private relay(frame: Uint8Array, except: Connection | null, audience: Audience): void {
    for (const connection of this.connections) {
      if (connection === except) continue;
      if (audience === 'everyone' || connection.participant.role === 'interviewer') connection.send(frame);
    }
    this.peers.publish({ kind: 'event', audience, frame });
  }

  private refuse(connection: Connection, code: number, reason: string): void {
    this.options.logger.warn('message-refused', { roomId: this.id, channel: this.channel, connectionId: connection.participant.connectionId, code, reason });
    const counted = refusalReason(code);
    if (counted) this.options.metrics?.refused(counted);
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

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);
}
