import { describe, expect, it } from 'vitest';
import { parseRecentRooms, RECENT_ROOMS_KEY, RECENT_ROOMS_LIMIT, RecentRooms, reviewLinkOf, type RoomToRemember } from './recent-rooms.js';

/** An in-memory Storage; `failWrites` / `failReads` act out a full quota or disabled storage. */
class FakeStorage implements Storage {
  readonly items = new Map<string, string>();
  failWrites = false;
  failReads = false;

  get length(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }

  getItem(key: string): string | null {
    if (this.failReads) throw new DOMException('storage is disabled', 'SecurityError');
    return this.items.get(key) ?? null;
  }

  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }

  setItem(key: string, value: string): void {
    if (this.failWrites) throw new DOMException('quota exceeded', 'QuotaExceededError');
    this.items.set(key, value);
  }
}

const roomId = (n: number) => `room${String(n).padStart(4, '0')}abcdefghijklmnop`;

function room(n: number, title = `Room ${n}`): RoomToRemember {
  const id = roomId(n);
  return { roomId: id, title, link: `https://interview.example.com/r/${id}#token=secret-${n}`, createdAt: '2026-11-01T09:00:00.000Z' };
}

/** A clock that moves one minute per reading, so every remember() is newer than the last. */
function clock(start = Date.parse('2026-11-14T10:00:00.000Z')): () => Date {
  let t = start;
  return () => new Date((t += 60_000));
}

function setup() {
  const storage = new FakeStorage();
  return { storage, recent: new RecentRooms(() => storage, clock()) };
}

describe('RecentRooms', () => {
  it('is empty when nothing is stored', () => {
    expect(setup().recent.list()).toEqual([]);
  });

  it('remembers rooms, newest opened first, with the time they were opened', () => {
    const { recent } = setup();
    recent.remember(room(1));
    recent.remember(room(2));
    const list = recent.list();
    expect(list.map((r) => r.title)).toEqual(['Room 2', 'Room 1']);
    expect(list[0]).toEqual({ ...room(2), lastOpenedAt: '2026-11-14T10:02:00.000Z' });
  });

  it('moves a room opened again to the top and updates it instead of listing it twice', () => {
    const { recent } = setup();
    recent.remember(room(1));
    recent.remember(room(2));
    const list = recent.remember({ ...room(1, 'Renamed'), createdAt: '2026-11-02T08:00:00.000Z' });
    expect(list.map((r) => [r.roomId, r.title])).toEqual([
      [roomId(1), 'Renamed'],
      [roomId(2), 'Room 2'],
    ]);
    expect(list[0]?.createdAt).toBe('2026-11-02T08:00:00.000Z');
    expect(recent.list()).toEqual(list);
  });

  it('forgets a room and keeps the others', () => {
    const { recent } = setup();
    recent.remember(room(1));
    recent.remember(room(2));
    expect(recent.forget(roomId(1)).map((r) => r.roomId)).toEqual([roomId(2)]);
    expect(recent.list().map((r) => r.roomId)).toEqual([roomId(2)]);
    expect(recent.forget('not-a-room').map((r) => r.roomId)).toEqual([roomId(2)]);
  });

  it('restores a forgotten room in its place, once', () => {
    const { recent } = setup();
    recent.remember(room(1));
    recent.remember(room(2));
    recent.remember(room(3));
    const forgotten = recent.list().find((r) => r.roomId === roomId(2));
    recent.forget(roomId(2));
    expect(recent.restore(forgotten!).map((r) => r.roomId)).toEqual([roomId(3), roomId(2), roomId(1)]);
    expect(recent.restore(forgotten!).map((r) => r.roomId)).toEqual([roomId(3), roomId(2), roomId(1)]);
    expect(recent.restore({ ...forgotten!, roomId: roomId(9), link: 'javascript:alert(1)' })).toHaveLength(3);
  });

  it(`keeps at most ${RECENT_ROOMS_LIMIT} rooms, dropping the least recently opened`, () => {
    const { recent } = setup();
    for (let n = 1; n <= RECENT_ROOMS_LIMIT + 5; n++) recent.remember(room(n));
    const list = recent.list();
    expect(list).toHaveLength(RECENT_ROOMS_LIMIT);
    expect(list[0]?.roomId).toBe(roomId(RECENT_ROOMS_LIMIT + 5));
    expect(list.at(-1)?.roomId).toBe(roomId(6));
  });

  it('bounds a stored title to what the server accepts', () => {
    const { recent } = setup();
    expect(recent.remember(room(1, 'x'.repeat(1000)))[0]?.title).toHaveLength(120);
  });

  it('refuses links that are not this room’s interviewer link', () => {
    const { recent } = setup();
    const bad = [
      'javascript:alert(1)//#token=x',
      `https://interview.example.com/r/${roomId(9)}#token=x`,
      `https://interview.example.com/r/${roomId(1)}`,
      `https://interview.example.com/r/${roomId(1)}/review#token=x`,
      `data:text/html,/r/${roomId(1)}#token=x`,
      'not a url',
    ];
    for (const link of bad) expect(recent.remember({ ...room(1), link }), link).toEqual([]);
    expect(recent.remember({ ...room(1), roomId: '../../etc' })).toEqual([]);
  });

  it('survives storage that cannot be written or read', () => {
    const { storage, recent } = setup();
    recent.remember(room(1));
    storage.failWrites = true;
    // The caller still gets the list it would have had; storage keeps the old one.
    expect(recent.remember(room(2)).map((r) => r.roomId)).toEqual([roomId(2), roomId(1)]);
    expect(recent.list().map((r) => r.roomId)).toEqual([roomId(1)]);
    storage.failReads = true;
    expect(recent.list()).toEqual([]);
    expect(() => recent.forget(roomId(1))).not.toThrow();
    const unavailable = new RecentRooms(() => {
      throw new DOMException('storage is disabled', 'SecurityError');
    });
    expect(unavailable.list()).toEqual([]);
    expect(unavailable.remember(room(1)).map((r) => r.roomId)).toEqual([roomId(1)]);
  });

  it('starts over when the stored list is corrupt, and overwrites it on the next change', () => {
    const { storage, recent } = setup();
    storage.setItem(RECENT_ROOMS_KEY, '{not json');
    expect(recent.list()).toEqual([]);
    recent.remember(room(1));
    expect(recent.list().map((r) => r.roomId)).toEqual([roomId(1)]);
    expect(JSON.parse(storage.getItem(RECENT_ROOMS_KEY) ?? '')).toMatchObject({ version: 1 });
  });
});

describe('parseRecentRooms', () => {
  const good = { ...room(1), lastOpenedAt: '2026-11-14T10:00:00.000Z' };

  it('ignores other shapes and versions', () => {
    for (const raw of [null, '', 'null', '42', '"x"', '[]', '{}', '{"version":2,"rooms":[]}', '{"version":1,"rooms":{}}']) {
      expect(parseRecentRooms(raw), String(raw)).toEqual([]);
    }
  });

  it('skips malformed entries and keeps the good ones', () => {
    const rooms = [
      good,
      null,
      'room',
      [],
      { ...good, roomId: 42 },
      { ...good, roomId: roomId(2), title: null },
      { ...good, roomId: roomId(3), lastOpenedAt: 'yesterday' },
      { ...good, roomId: roomId(4), createdAt: undefined },
      { ...good, roomId: roomId(5), link: 'javascript:alert(1)' },
    ];
    expect(parseRecentRooms(JSON.stringify({ version: 1, rooms }))).toEqual([good]);
  });

  it('copies only the known fields', () => {
    const parsed = parseRecentRooms(JSON.stringify({ version: 1, rooms: [{ ...good, extra: '<script>' }] }));
    expect(parsed).toEqual([good]);
    expect(Object.keys(parsed[0] ?? {})).not.toContain('extra');
  });

  it('orders by last opened and keeps one entry per room, the newest', () => {
    const older = { ...good, title: 'Old', lastOpenedAt: '2026-11-13T10:00:00.000Z' };
    const other = { ...room(2), lastOpenedAt: '2026-11-14T09:00:00.000Z' };
    const parsed = parseRecentRooms(JSON.stringify({ version: 1, rooms: [older, other, good] }));
    expect(parsed.map((r) => [r.roomId, r.title])).toEqual([
      [roomId(1), 'Room 1'],
      [roomId(2), 'Room 2'],
    ]);
  });
});

describe('reviewLinkOf', () => {
  it('keeps the origin and the token and points at the review page', () => {
    const stored = { ...room(1), lastOpenedAt: '2026-11-14T10:00:00.000Z' };
    expect(reviewLinkOf(stored)).toBe(`https://interview.example.com/r/${roomId(1)}/review#token=secret-1`);
  });
});
