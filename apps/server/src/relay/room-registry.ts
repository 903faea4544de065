import { DocumentChannel, encodeRoomEvent, type RoomStatus } from '@interview/protocol';
import { encodePeerMessage } from '../bus/peer-messages.js';
import { roomTopic, type RoomBus } from '../bus/room-bus.js';
import { errorFields, type Logger } from '../log.js';
import type { RoomStore } from '../storage/room-store.js';
import type { Connection } from './connection.js';
import { Room, type RoomLimits, type RoomOptions } from './room.js';

export interface RoomRegistryOptions {
  store: RoomStore;
  logger: Logger;
  maxMessageBytes: number;
  snapshotEvery: number;
  /** What each room channel may hold; a limit left out is not enforced. */
  limits?: Partial<RoomLimits>;
  metrics?: RoomOptions['metrics'];
  /** Other relay instances serving the same rooms, if any. */
  bus?: { bus: RoomBus; instanceId: string } | null;
  /** Whether other instances write the same storage. */
  sharedStorage?: boolean;
}

/** One key per (room, channel): each channel of a room is loaded and unloaded on its own. */
function roomKey(roomId: string, channel: DocumentChannel): string {
  // A room id never contains '/' (ROOM_ID_PATTERN), so the key is unambiguous.
  return `${roomId}/${channel}`;
}

/** A join that came while the registry was closing every room (a stop): the caller closes the socket as the others were. */
export class RegistryClosingError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super('the relay is closing every room');
  }
}

/**
 * The active rooms of this process, one `Room` per (room id, document
 * channel): it is loaded from storage when its first participant joins and
 * unloaded when its last one leaves.
 */
export class RoomRegistry {
  private readonly active = new Map<string, Promise<Room>>();
  private readonly unloading = new Map<string, Promise<void>>();
  /** Set once closeAll began: joins still waiting are turned away with its code. */
  private closing: { code: number; reason: string } | null = null;

  constructor(private readonly options: RoomRegistryOptions) {}

  get activeRoomCount(): number {
    return this.active.size;
  }

  /** Loads the room's channel if needed and adds the connection to it. */
  async join(roomId: string, connection: Connection, channel: DocumentChannel = DocumentChannel.main): Promise<Room> {
    const key = roomKey(roomId, channel);
    for (;;) {
      // A room being unloaded finishes its writes before it is read again.
      await this.unloading.get(key);
      this.refuseWhileClosing();
      const room = await this.load(roomId, channel);
      // A stop may have begun, or the room emptied and closed, since the load began.
      this.refuseWhileClosing();
      if (!room.closed) {
        room.join(connection);
        return room;
      }
    }
  }

  /**
   * Tells the room's loaded main channel, if any, that the interview was
   * ended or reopened; call it once the status is stored. A room loading
   * meanwhile gets it once loaded (it may have read the old status); a room
   * loaded later reads the new one from storage.
   */
  async statusChanged(roomId: string, status: RoomStatus): Promise<void> {
    // Published whether or not the room is loaded here: its participants may all be on other instances.
    const shared = this.options.bus;
    if (shared) {
      const frame = encodeRoomEvent({ type: 'room-status', payload: { ...status } });
      shared.bus.publish(roomTopic(roomId, DocumentChannel.main), encodePeerMessage({ kind: 'event', origin: shared.instanceId, audience: 'everyone', frame }));
    }
    const loading = this.active.get(roomKey(roomId, DocumentChannel.main));
    if (!loading) return;
    let room: Room;
    try {
      room = await loading;
    } catch {
      // It failed to load; the next load reads the stored status.
      return;
    }
    room.setStatus(status);
  }

  /**
   * Closes every connection and waits until every room is stored and
   * unloaded. Joins still on their way (waiting for a room to load, or to
   * finish unloading) are refused with the same code rather than let in
   * after the rooms were closed.
   */
  async closeAll(code: number, reason: string): Promise<void> {
    this.closing = { code, reason };
    const rooms = await Promise.allSettled([...this.active.values()]);
    for (const result of rooms) {
      if (result.status === 'fulfilled') result.value.closeAll(code, reason);
    }
    await Promise.all([...this.unloading.values()]);
  }

  private refuseWhileClosing(): void {
    if (this.closing) throw new RegistryClosingError(this.closing.code, this.closing.reason);
  }

  private load(roomId: string, channel: DocumentChannel): Promise<Room> {
    const key = roomKey(roomId, channel);
    let room = this.active.get(key);
    if (!room) {
      room = Room.load(roomId, { ...this.options, channel, onEmpty: (empty) => this.unload(empty) });
      this.active.set(key, room);
      room.catch(() => this.active.delete(key));
    }
    return room;
  }

  private unload(room: Room): void {
    const key = roomKey(room.id, room.channel);
    this.active.delete(key);
    const done = room
      .unload()
      .catch((error: unknown) =>
        this.options.logger.error('room-unload-failed', { roomId: room.id, channel: room.channel, ...errorFields(error) }),
      )
      .finally(() => {
        if (this.unloading.get(key) === done) this.unloading.delete(key);
      });
    this.unloading.set(key, done);
  }
}
