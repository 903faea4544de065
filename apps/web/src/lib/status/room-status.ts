import { EventLimits, type Role, type RoomStatus } from '@interview/protocol';

export const OPEN_STATUS: RoomStatus = Object.freeze({ ended: false, endedAt: null, endedBy: null });

/**
 * A room status from an untrusted source (an HTTP body, possibly from a
 * server older than this client, which sends none): anything malformed
 * reads as open, since the relay enforces the real state anyway.
 */
export function readRoomStatus(value: unknown): RoomStatus {
  if (typeof value !== 'object' || value === null) return OPEN_STATUS;
  const { ended, endedAt, endedBy } = value as Record<string, unknown>;
  if (ended !== true) return OPEN_STATUS;
  return {
    ended: true,
    endedAt: typeof endedAt === 'string' && endedAt.length <= EventLimits.timestampLength && !Number.isNaN(Date.parse(endedAt)) ? endedAt : null,
    endedBy: typeof endedBy === 'string' && endedBy.length <= EventLimits.nameLength ? endedBy : null,
  };
}

/**
 * The room's status as this client knows it. Two sources disagree in time:
 * live `room-status` events (always the latest word while connected) and
 * HTTP answers (the room info after a reconnect, the answer to our own
 * change). An HTTP answer is applied only if no event arrived since its
 * request left, so a slow answer never overwrites a newer event.
 */
export class RoomStatusTracker {
  #status: RoomStatus;
  #heard = 0;

  constructor(initial: RoomStatus) {
    this.#status = initial;
  }

  get status(): RoomStatus {
    return this.#status;
  }

  /** A `room-status` event from the relay. Returns whether the status changed. */
  heard(status: RoomStatus): boolean {
    this.#heard++;
    return this.#set(status);
  }

  /** Call as an HTTP request that reads the status leaves; pass the ticket to `answered`. */
  asking(): number {
    return this.#heard;
  }

  /** The answer to a request sent with `ticket`; ignored when an event came in meanwhile. Returns whether the status changed. */
  answered(ticket: number, status: RoomStatus): boolean {
    if (ticket !== this.#heard) return false;
    return this.#set(status);
  }

  #set(status: RoomStatus): boolean {
    const same = status.ended === this.#status.ended && status.endedAt === this.#status.endedAt && status.endedBy === this.#status.endedBy;
    if (same) return false;
    this.#status = status;
    return true;
  }
}

/** Whether this participant may no longer change the code or run it. */
export function isLockedOut(status: RoomStatus, role: Role): boolean {
  return status.ended && role === 'candidate';
}

export const CANDIDATE_ENDED_MESSAGE = 'The interviewer has ended this interview. The code is now read-only.';

/** What the room tells this participant about an ended interview; null while it is open. */
export function endedNotice(status: RoomStatus, role: Role, clock: (iso: string) => string): string | null {
  if (!status.ended) return null;
  if (role === 'candidate') return CANDIDATE_ENDED_MESSAGE;
  const who = status.endedBy ? ` by ${status.endedBy}` : '';
  const when = status.endedAt ? ` at ${clock(status.endedAt)}` : '';
  return `Interview ended${who}${when}. The candidate can no longer edit or run the code.`;
}
