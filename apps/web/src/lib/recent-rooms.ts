import { ApiLimits, reviewPagePath, ROOM_ID_PATTERN, roomPagePath } from '@interview/protocol';
import { tokenFromHash } from './room-link.js';

/**
 * The rooms an interviewer created or opened in this browser, so they can be
 * found again for the interview or its review. Each entry holds the
 * interviewer's own link, token included: unlike the per-tab session
 * storage of `storage.ts`, this list lives in localStorage on purpose, and
 * that is why only interviewers' rooms are ever put in it and each can be
 * forgotten. localStorage is per origin: the runners' sandboxed frames
 * (opaque origins) cannot read it.
 */

export interface RecentRoom {
  roomId: string;
  title: string;
  /** The interviewer's absolute room link, its token in the fragment. */
  link: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  lastOpenedAt: string;
}

export type RoomToRemember = Omit<RecentRoom, 'lastOpenedAt'>;

export const RECENT_ROOMS_KEY = 'interview:recent-rooms';
/** Older entries drop off the end; a list this long is already more than anyone scrolls. */
export const RECENT_ROOMS_LIMIT = 50;
/** Bumped when the stored shape changes; other versions are ignored (then overwritten). */
const FORMAT_VERSION = 1;

interface StoredList {
  version: typeof FORMAT_VERSION;
  rooms: RecentRoom[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value));
}

/**
 * An interviewer link this app could have issued for the room: http(s), the
 * room's own page, a token in the fragment. Anything else (a `javascript:`
 * URL written by other code on this origin, a hand-edited value) is dropped
 * rather than rendered as a link.
 */
export function isRoomLink(link: string, roomId: string): boolean {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.pathname === roomPagePath(roomId) && tokenFromHash(url.hash) !== null;
}

/** One stored entry, checked field by field and copied; null when unusable. */
function readEntry(value: unknown): RecentRoom | null {
  if (!isRecord(value)) return null;
  const { roomId, title, link, createdAt, lastOpenedAt } = value;
  if (typeof roomId !== 'string' || !ROOM_ID_PATTERN.test(roomId)) return null;
  if (typeof title !== 'string' || typeof link !== 'string' || !isRoomLink(link, roomId)) return null;
  if (!isTimestamp(createdAt) || !isTimestamp(lastOpenedAt)) return null;
  return { roomId, title: title.slice(0, ApiLimits.titleLength), link, createdAt, lastOpenedAt };
}

/** Newest opened first, one entry per room, at most the limit. */
function normalize(rooms: RecentRoom[]): RecentRoom[] {
  const sorted = [...rooms].sort((a, b) => Date.parse(b.lastOpenedAt) - Date.parse(a.lastOpenedAt));
  const seen = new Set<string>();
  const unique: RecentRoom[] = [];
  for (const room of sorted) {
    if (seen.has(room.roomId)) continue;
    seen.add(room.roomId);
    unique.push(room);
  }
  return unique.slice(0, RECENT_ROOMS_LIMIT);
}

/** Parses what is stored; corrupt or foreign data counts as an empty list, bad entries are skipped. */
export function parseRecentRooms(raw: string | null): RecentRoom[] {
  if (raw === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!isRecord(parsed) || parsed.version !== FORMAT_VERSION || !Array.isArray(parsed.rooms)) return [];
  return normalize(parsed.rooms.map(readEntry).filter((room): room is RecentRoom => room !== null));
}

export class RecentRooms {
  constructor(
    /** A getter, because merely touching `localStorage` can throw (storage disabled). */
    private readonly storage: () => Storage,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): RecentRoom[] {
    try {
      return parseRecentRooms(this.storage().getItem(RECENT_ROOMS_KEY));
    } catch {
      return [];
    }
  }

  /** Adds the room or refreshes its entry, marked as opened now; returns the new list. */
  remember(room: RoomToRemember): RecentRoom[] {
    const entry = readEntry({ ...room, lastOpenedAt: this.now().toISOString() });
    if (entry === null) return this.list();
    return this.save([entry, ...this.list().filter((other) => other.roomId !== entry.roomId)]);
  }

  /** Puts back an entry as it was (the "Undo" of forget), unless the list already has that room again. */
  restore(room: RecentRoom): RecentRoom[] {
    const entry = readEntry(room);
    const list = this.list();
    if (entry === null || list.some((other) => other.roomId === entry.roomId)) return list;
    return this.save([...list, entry]);
  }

  forget(roomId: string): RecentRoom[] {
    return this.save(this.list().filter((room) => room.roomId !== roomId));
  }

  private save(rooms: RecentRoom[]): RecentRoom[] {
    const list = normalize(rooms);
    try {
      this.storage().setItem(RECENT_ROOMS_KEY, JSON.stringify({ version: FORMAT_VERSION, rooms: list } satisfies StoredList));
    } catch {
      // Full or disabled storage: the list is simply not kept, which is never worse than having no list.
    }
    return list;
  }
}

/** The review page of a remembered room: the same origin and token, the review path. */
export function reviewLinkOf(room: RecentRoom): string {
  const url = new URL(room.link);
  url.pathname = reviewPagePath(room.roomId);
  return url.href;
}

export const recentRooms = new RecentRooms(() => localStorage);
