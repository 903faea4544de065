import type { ParticipantId, RoomStore } from '../storage/room-store.js';
import type { Connection } from './connection.js';
import type { RecordWrites } from './record-writes.js';

export interface AttendanceOptions {
  roomId: string;
  store: RoomStore;
  writes: RecordWrites;
  clock: () => Date;
}

/** Records when each connection to the room's main channel joined and left, for the interviewers' review. */
export class Attendance {
  /** Each joined connection's recorded join, which its leave waits for (it needs the id). */
  private readonly joins = new WeakMap<Connection, Promise<ParticipantId | undefined>>();

  constructor(private readonly options: AttendanceOptions) {}

  joined(connection: Connection): void {
    const { roomId, store, writes, clock } = this.options;
    const { name, role } = connection.participant;
    const joinedAt = clock();
    this.joins.set(connection, writes.run('join-not-recorded', () => store.recordJoin(roomId, { name, role, joinedAt })));
  }

  left(connection: Connection): void {
    const join = this.joins.get(connection);
    if (!join) return;
    this.joins.delete(connection);
    const { roomId, store, writes, clock } = this.options;
    const leftAt = clock();
    writes.run(
      'leave-not-recorded',
      async () => {
        const id = await join;
        // The join was not recorded (its failure was reported): there is nothing to close.
        if (id !== undefined) await store.recordLeave(roomId, id, leftAt);
      },
      join,
    );
  }
}
