import { errorFields, type Logger } from '../log.js';
import type { RoomStore } from '../storage/room-store.js';
import type { Connection } from './connection.js';
import { Room } from './room.js';

export interface RoomRegistryOptions {
  store: RoomStore;
  logger: Logger;
  maxMessageBytes: number;
  snapshotEvery: number;
}

/**
 * The active rooms of this process: a room is loaded from storage when its
 * first participant joins and unloaded when its last one leaves.
 */
export class RoomRegistry {
  private readonly active = new Map<string, Promise<Room>>();
  private readonly unloading = new Map<string, Promise<void>>();

  constructor(private readonly options: RoomRegistryOptions) {}

  get activeRoomCount(): number {
    return this.active.size;
  }

  /** Loads the room if needed and adds the connection to it. */
  async join(roomId: string, connection: Connection): Promise<Room> {
    for (;;) {
      // A room being unloaded finishes its writes before it is read again.
      await this.unloading.get(roomId);
      const room = await this.load(roomId);
      // Between the load and here the room may have emptied and closed.
      if (!room.closed) {
        room.join(connection);
        return room;
      }
    }
  }

  /** Closes every connection and waits until every room is stored and unloaded. */
  async closeAll(code: number, reason: string): Promise<void> {
    const rooms = await Promise.allSettled([...this.active.values()]);
    for (const result of rooms) {
      if (result.status === 'fulfilled') result.value.closeAll(code, reason);
    }
    await Promise.all([...this.unloading.values()]);
  }

  private load(roomId: string): Promise<Room> {
    let room = this.active.get(roomId);
    if (!room) {
      room = Room.load(roomId, { ...this.options, onEmpty: (empty) => this.unload(empty) });
      this.active.set(roomId, room);
      room.catch(() => this.active.delete(roomId));
    }
    return room;
  }

  private unload(room: Room): void {
    this.active.delete(room.id);
    const done = room
      .unload()
      .catch((error: unknown) => this.options.logger.error('room-unload-failed', { roomId: room.id, ...errorFields(error) }))
      .finally(() => {
        if (this.unloading.get(room.id) === done) this.unloading.delete(room.id);
      });
    this.unloading.set(room.id, done);
  }
}
