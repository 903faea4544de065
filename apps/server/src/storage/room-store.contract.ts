import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentChannel, Language } from '@interview/protocol';
import * as Y from 'yjs';
import { seedUpdate } from '../rooms/room-seed.js';
import { candidateTokenFor, hashToken, newInterviewerToken, newRoomId } from '../rooms/tokens.js';
import type { QuestionRecord, RoomRecord, RoomStore, RunRecord, SignalRecord, StoredRun, UpdateRecord } from './room-store.js';

/** A store under test, over data of its own. */
export interface RoomStoreFixture {
  store: RoomStore;
  /** Opens another store over the same data, as a restarted server would. The suite closes what it opens. */
  reopen(): Promise<RoomStore>;
  /** Closes whatever is still open and removes the data. */
  cleanup(): Promise<void>;
}

/** Bytes as a plain array, so that a Buffer and a Uint8Array with the same bytes compare equal. */
const bytes = (data: Uint8Array | null): number[] | null => (data ? Array.from(data) : null);

function roomRecord(language: Language = 'python', overrides: Partial<RoomRecord> = {}): RoomRecord {
  const interviewerToken = newInterviewerToken();
  return {
    id: newRoomId(),
    title: 'Contract 🧪 «room»',
    language,
    interviewerTokenHash: hashToken(interviewerToken),
    candidateTokenHash: hashToken(candidateTokenFor(interviewerToken)),
    // Whole milliseconds: what every store can keep exactly.
    createdAt: new Date(Date.UTC(2026, 10, 22, 10, 0, 0, 123)),
    ended: null,
    ...overrides,
  };
}

function update(roomId: string, data: ArrayLike<number>, author: UpdateRecord['author'] = { role: 'candidate', name: 'Cleo' }): UpdateRecord {
  return { roomId, update: Uint8Array.from(data), author, at: new Date() };
}

function channelUpdate(roomId: string, channel: DocumentChannel, data: ArrayLike<number>): UpdateRecord {
  return { ...update(roomId, data, { role: 'interviewer', name: 'Ada' }), channel };
}

function latestRun(runId: string, overrides: Partial<StoredRun> = {}): StoredRun {
  return {
    execute: {
      type: 'execute-code',
      payload: { runId, language: 'python', code: 'print("héllo")', by: { name: 'Ada', role: 'interviewer' } },
    },
    output: [
      { runId, stream: 'stdout', text: 'héllo\n' },
      { runId, stream: 'stderr', text: 'warning\n' },
    ],
    result: { type: 'execution-result', payload: { runId, output: 'héllo\n', error: null, status: 'ok', durationMs: 12 } },
    ...overrides,
  };
}

/** Whole milliseconds from a fixed start, so that every store keeps them exactly. */
const at = (offsetMs: number): Date => new Date(Date.UTC(2026, 10, 22, 10, 0, 0, 0) + offsetMs);

function runRecord(runId: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    language: 'python',
    code: 'print("héllo 🧪")\n',
    by: { name: 'Cleo «candidate»', role: 'candidate' },
    startedAt: at(1000),
    finishedAt: null,
    status: null,
    output: '',
    error: null,
    durationMs: null,
    ...overrides,
  };
}

function questionRecord(overrides: Partial<QuestionRecord> = {}): QuestionRecord {
  const at = new Date(Date.UTC(2026, 10, 22, 9, 0, 0, 456));
  return {
    id: `q-${Math.random().toString(36).slice(2, 10)}`,
    title: 'Reverse «words» 🧪',
    statement: '# Reverse\n\nReturn the words in reverse order.',
    starterCode: { python: 'def reverse(s):\n    pass\n', javascript: 'function reverse(s) {}\n' },
    hints: 'Split on whitespace.',
    builtIn: false,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/**
 * The behaviour every RoomStore must have. Each implementation runs this
 * suite from its own test file with a fixture that gives it fresh data.
 */
export function describeRoomStoreContract(name: string, makeStore: () => Promise<RoomStoreFixture>): void {
  describe(`RoomStore contract: ${name}`, () => {
    let fixture: RoomStoreFixture;
    let store: RoomStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    async function createdRoom(language: Language = 'python'): Promise<{ room: RoomRecord; seed: Uint8Array }> {
      const room = roomRecord(language);
      const seed = seedUpdate(language);
      await store.createRoom(room, seed);
      return { room, seed };
    }

    describe('rooms', () => {
      it('finds a created room with every field; token digests come back as the same bytes', async () => {
        const { room } = await createdRoom('javascript');
        const found = await store.findRoom(room.id);
        expect(found).not.toBeNull();
        expect(found!.id).toBe(room.id);
        expect(found!.title).toBe(room.title);
        expect(found!.language).toBe('javascript');
        expect(found!.createdAt).toBeInstanceOf(Date);
        expect(found!.createdAt.getTime()).toBe(room.createdAt.getTime());
        expect(found!.ended).toBeNull();
        expect(found!.interviewerTokenHash).toBeInstanceOf(Uint8Array);
        expect(bytes(found!.interviewerTokenHash)).toEqual(bytes(room.interviewerTokenHash));
        expect(bytes(found!.candidateTokenHash)).toEqual(bytes(room.candidateTokenHash));
        expect(bytes(found!.candidateTokenHash)).not.toEqual(bytes(found!.interviewerTokenHash));
      });

      it('keeps rooms apart', async () => {
        const a = await createdRoom('python');
        const b = await createdRoom('javascript');
        expect((await store.findRoom(a.room.id))?.language).toBe('python');
        expect((await store.findRoom(b.room.id))?.language).toBe('javascript');
        expect(bytes((await store.findRoom(b.room.id))!.interviewerTokenHash)).toEqual(bytes(b.room.interviewerTokenHash));
      });

      it('knows nothing of a room that was never created', async () => {
        await createdRoom();
        const unknown = newRoomId();
        expect(await store.findRoom(unknown)).toBeNull();
        expect(await store.loadLatestRun(unknown)).toBeNull();
        expect(await store.loadDocument(unknown)).toEqual({ snapshot: null, updates: [], lastSeq: 0 });
      });

      it('refuses a second room with the same id and keeps the first', async () => {
        const { room, seed } = await createdRoom('python');
        const clash = roomRecord('javascript', { id: room.id, title: 'Impostor' });
        await expect(store.createRoom(clash, seedUpdate('javascript'))).rejects.toThrow();
        const found = await store.findRoom(room.id);
        expect(found?.title).toBe(room.title);
        expect(bytes(found!.interviewerTokenHash)).toEqual(bytes(room.interviewerTokenHash));
        expect((await store.loadDocument(room.id)).updates.map(bytes)).toEqual([bytes(seed)]);
      });
    });

    describe('document history', () => {
      it('holds the seed as update 1 of a new room, with no snapshot', async () => {
        const { room, seed } = await createdRoom();
        const doc = await store.loadDocument(room.id);
        expect(doc.snapshot).toBeNull();
        expect(doc.updates.map(bytes)).toEqual([bytes(seed)]);
        expect(Number.isInteger(doc.lastSeq)).toBe(true);
        expect(doc.lastSeq).toBeGreaterThan(0);
      });

      it('returns appended updates after the seed, in order, with lastSeq the last one’s seq', async () => {
        const { room, seed } = await createdRoom();
        const seedSeq = (await store.loadDocument(room.id)).lastSeq;
        const seqs: number[] = [];
        for (const data of [[1, 2, 3], [4], [5, 6]]) seqs.push(await store.appendUpdate(update(room.id, data)));
        expect(seqs[0]).toBeGreaterThan(seedSeq);
        expect(seqs[1]).toBeGreaterThan(seqs[0]!);
        expect(seqs[2]).toBeGreaterThan(seqs[1]!);
        const doc = await store.loadDocument(room.id);
        expect(doc.updates.map(bytes)).toEqual([bytes(seed), [1, 2, 3], [4], [5, 6]]);
        expect(doc.lastSeq).toBe(seqs[2]);
        expect(doc.snapshot).toBeNull();
      });

      it('keeps each room’s updates to itself', async () => {
        const a = await createdRoom();
        const b = await createdRoom();
        await store.appendUpdate(update(a.room.id, [10]));
        const bSeq = await store.appendUpdate(update(b.room.id, [20]));
        await store.appendUpdate(update(a.room.id, [11]));
        const docB = await store.loadDocument(b.room.id);
        expect(docB.updates.map(bytes)).toEqual([bytes(b.seed), [20]]);
        expect(docB.lastSeq).toBe(bSeq);
        expect((await store.loadDocument(a.room.id)).updates.map(bytes)).toEqual([bytes(a.seed), [10], [11]]);
      });

      it('stores update bytes exactly, whatever they are, with or without an author', async () => {
        const { room, seed } = await createdRoom();
        const everyByte = Array.from({ length: 256 }, (_, i) => i);
        const large = Array.from({ length: 256 * 1024 }, (_, i) => (i * 31) % 256);
        await store.appendUpdate(update(room.id, everyByte, null));
        await store.appendUpdate(update(room.id, large, { role: 'interviewer', name: 'Ada “the” Interviewer' }));
        const doc = await store.loadDocument(room.id);
        expect(doc.updates.map(bytes)).toEqual([bytes(seed), everyByte, large]);
        for (const stored of doc.updates) expect(stored).toBeInstanceOf(Uint8Array);
      });

      it('resolves concurrent appends with increasing seqs, in the order they were made', async () => {
        const a = await createdRoom();
        const b = await createdRoom();
        const calls = 60;
        const resolved: Record<string, number[]> = { [a.room.id]: [], [b.room.id]: [] };
        const pending = Array.from({ length: calls }, (_, i) => {
          const roomId = i % 3 === 0 ? b.room.id : a.room.id;
          return store.appendUpdate(update(roomId, [i])).then((seq) => {
            resolved[roomId]!.push(i);
            return { roomId, i, seq };
          });
        });
        const results = await Promise.all(pending);
        for (const roomId of [a.room.id, b.room.id]) {
          const mine = results.filter((r) => r.roomId === roomId);
          // Resolved in call order…
          expect(resolved[roomId]).toEqual(mine.map((r) => r.i));
          // …with strictly increasing seqs in call order…
          for (let k = 1; k < mine.length; k++) expect(mine[k]!.seq).toBeGreaterThan(mine[k - 1]!.seq);
          // …and loaded back in that order.
          const doc = await store.loadDocument(roomId);
          expect(doc.updates.slice(1).map(bytes)).toEqual(mine.map((r) => [r.i]));
          expect(doc.lastSeq).toBe(mine.at(-1)!.seq);
        }
        expect(new Set(results.map((r) => `${r.roomId}:${r.seq}`)).size).toBe(calls);
      });

      it('gives an append made after others resolved a larger seq', async () => {
        const { room } = await createdRoom();
        const first = await Promise.all([store.appendUpdate(update(room.id, [1])), store.appendUpdate(update(room.id, [2]))]);
        const later = await store.appendUpdate(update(room.id, [3]));
        expect(later).toBeGreaterThan(Math.max(...first));
      });
    });

    describe('snapshots', () => {
      it('loads the snapshot and only the updates after it', async () => {
        const { room } = await createdRoom();
        const s1 = await store.appendUpdate(update(room.id, [1]));
        const s2 = await store.appendUpdate(update(room.id, [2]));
        await store.saveSnapshot(room.id, Uint8Array.from([0xaa, 1]), s1);
        let doc = await store.loadDocument(room.id);
        expect(bytes(doc.snapshot)).toEqual([0xaa, 1]);
        expect(doc.updates.map(bytes)).toEqual([[2]]);
        expect(doc.lastSeq).toBe(s2);

        const s3 = await store.appendUpdate(update(room.id, [3]));
        doc = await store.loadDocument(room.id);
        expect(doc.updates.map(bytes)).toEqual([[2], [3]]);
        expect(doc.lastSeq).toBe(s3);
      });

      it('keeps lastSeq at the snapshot when no update follows it', async () => {
        const { room } = await createdRoom();
        const s1 = await store.appendUpdate(update(room.id, [1]));
        await store.saveSnapshot(room.id, Uint8Array.from([0xbb]), s1);
        const doc = await store.loadDocument(room.id);
        expect(bytes(doc.snapshot)).toEqual([0xbb]);
        expect(doc.updates).toEqual([]);
        expect(doc.lastSeq).toBe(s1);
      });

      it('replaces a snapshot with a newer one', async () => {
        const { room } = await createdRoom();
        const s1 = await store.appendUpdate(update(room.id, [1]));
        await store.saveSnapshot(room.id, Uint8Array.from([0x01]), s1);
        const s2 = await store.appendUpdate(update(room.id, [2]));
        await store.saveSnapshot(room.id, Uint8Array.from([0x02]), s2);
        const doc = await store.loadDocument(room.id);
        expect(bytes(doc.snapshot)).toEqual([0x02]);
        expect(doc.updates).toEqual([]);
        expect(doc.lastSeq).toBe(s2);
      });

      it('never moves a snapshot backwards: an older throughSeq is ignored', async () => {
        const { room } = await createdRoom();
        const s1 = await store.appendUpdate(update(room.id, [1]));
        const s2 = await store.appendUpdate(update(room.id, [2]));
        const s3 = await store.appendUpdate(update(room.id, [3]));
        await store.saveSnapshot(room.id, Uint8Array.from([0x02]), s2);
        await store.saveSnapshot(room.id, Uint8Array.from([0x01]), s1);
        const doc = await store.loadDocument(room.id);
        expect(bytes(doc.snapshot)).toEqual([0x02]);
        expect(doc.updates.map(bytes)).toEqual([[3]]);
        expect(doc.lastSeq).toBe(s3);
      });

      it('keeps each room’s snapshot to itself', async () => {
        const a = await createdRoom();
        const b = await createdRoom();
        const sa = await store.appendUpdate(update(a.room.id, [1]));
        await store.saveSnapshot(a.room.id, Uint8Array.from([0xa]), sa);
        const docB = await store.loadDocument(b.room.id);
        expect(docB.snapshot).toBeNull();
        expect(docB.updates.map(bytes)).toEqual([bytes(b.seed)]);
      });
    });

    describe('documents of a room (channels)', () => {
      it('starts every channel but main empty', async () => {
        const { room, seed } = await createdRoom();
        expect(await store.loadDocument(room.id, 'statement')).toEqual({ snapshot: null, updates: [], lastSeq: 0 });
        expect(await store.loadDocument(room.id, 'notes')).toEqual({ snapshot: null, updates: [], lastSeq: 0 });
        // Without a channel, and with 'main', it is the main document.
        expect((await store.loadDocument(room.id)).updates.map(bytes)).toEqual([bytes(seed)]);
        expect((await store.loadDocument(room.id, 'main')).updates.map(bytes)).toEqual([bytes(seed)]);
      });

      it('keeps each channel’s history to itself, and an update without a channel in main', async () => {
        const { room, seed } = await createdRoom();
        const n1 = await store.appendUpdate(channelUpdate(room.id, 'notes', [1]));
        const s1 = await store.appendUpdate(channelUpdate(room.id, 'statement', [2]));
        const m1 = await store.appendUpdate(update(room.id, [3]));
        const n2 = await store.appendUpdate(channelUpdate(room.id, 'notes', [4]));
        const m2 = await store.appendUpdate(channelUpdate(room.id, 'main', [5]));
        expect(new Set([n1, s1, m1, n2, m2]).size).toBe(5);

        const notes = await store.loadDocument(room.id, 'notes');
        expect(notes.updates.map(bytes)).toEqual([[1], [4]]);
        expect(notes.lastSeq).toBe(n2);
        const statement = await store.loadDocument(room.id, 'statement');
        expect(statement.updates.map(bytes)).toEqual([[2]]);
        expect(statement.lastSeq).toBe(s1);
        const main = await store.loadDocument(room.id);
        expect(main.updates.map(bytes)).toEqual([bytes(seed), [3], [5]]);
        expect(main.lastSeq).toBe(m2);
      });

      it('keeps each channel’s snapshot to itself', async () => {
        const { room, seed } = await createdRoom();
        const s1 = await store.appendUpdate(channelUpdate(room.id, 'statement', [1]));
        await store.saveSnapshot(room.id, Uint8Array.from([0x51]), s1, 'statement');
        const s2 = await store.appendUpdate(channelUpdate(room.id, 'statement', [2]));
        const n1 = await store.appendUpdate(channelUpdate(room.id, 'notes', [3]));

        const statement = await store.loadDocument(room.id, 'statement');
        expect(bytes(statement.snapshot)).toEqual([0x51]);
        expect(statement.updates.map(bytes)).toEqual([[2]]);
        expect(statement.lastSeq).toBe(s2);
        const notes = await store.loadDocument(room.id, 'notes');
        expect(notes.snapshot).toBeNull();
        expect(notes.updates.map(bytes)).toEqual([[3]]);
        expect(notes.lastSeq).toBe(n1);
        const main = await store.loadDocument(room.id);
        expect(main.snapshot).toBeNull();
        expect(main.updates.map(bytes)).toEqual([bytes(seed)]);

        // A main snapshot neither replaces nor is replaced by the statement's.
        await store.saveSnapshot(room.id, Uint8Array.from([0x4d]), n1);
        expect(bytes((await store.loadDocument(room.id)).snapshot)).toEqual([0x4d]);
        expect(bytes((await store.loadDocument(room.id, 'statement')).snapshot)).toEqual([0x51]);
      });

      it('keeps every channel across a reopen', async () => {
        const { room } = await createdRoom();
        const s1 = await store.appendUpdate(channelUpdate(room.id, 'statement', [1]));
        await store.saveSnapshot(room.id, Uint8Array.from([0x51]), s1, 'statement');
        const n1 = await store.appendUpdate(channelUpdate(room.id, 'notes', [2]));
        await store.close();

        const reopened = await fixture.reopen();
        try {
          const statement = await reopened.loadDocument(room.id, 'statement');
          expect(bytes(statement.snapshot)).toEqual([0x51]);
          expect(statement.updates).toEqual([]);
          const notes = await reopened.loadDocument(room.id, 'notes');
          expect(notes.updates.map(bytes)).toEqual([[2]]);
          expect(notes.lastSeq).toBe(n1);
        } finally {
          await reopened.close();
        }
      });
    });

    describe('latest run', () => {
      it('has none until one is saved, then loads what was saved', async () => {
        const { room } = await createdRoom();
        expect(await store.loadLatestRun(room.id)).toBeNull();
        const run = latestRun('run-1');
        await store.saveLatestRun(room.id, run);
        expect(await store.loadLatestRun(room.id)).toEqual(run);
      });

      it('replaces the run with a later one, including a run still without result', async () => {
        const { room } = await createdRoom();
        await store.saveLatestRun(room.id, latestRun('run-1'));
        const running = latestRun('run-2', { output: [], result: null });
        await store.saveLatestRun(room.id, running);
        expect(await store.loadLatestRun(room.id)).toEqual(running);
      });

      it('keeps each room’s run to itself', async () => {
        const a = await createdRoom();
        const b = await createdRoom();
        await store.saveLatestRun(a.room.id, latestRun('run-a'));
        expect(await store.loadLatestRun(b.room.id)).toBeNull();
        await store.saveLatestRun(b.room.id, latestRun('run-b'));
        expect((await store.loadLatestRun(a.room.id))?.execute.payload.runId).toBe('run-a');
      });
    });

    describe('channel seeds', () => {
      it('stores the first update of other channels with the room, each in its own history', async () => {
        const room = roomRecord();
        const seed = seedUpdate('python');
        const statementDoc = new Y.Doc();
        statementDoc.getText('statement').insert(0, '# Seeded');
        const statementSeed = Y.encodeStateAsUpdate(statementDoc);
        await store.createRoom(room, seed, { statement: statementSeed });
        expect((await store.loadDocument(room.id)).updates.map(bytes)).toEqual([bytes(seed)]);
        const statement = await store.loadDocument(room.id, 'statement');
        expect(statement.updates.map(bytes)).toEqual([bytes(statementSeed)]);
        expect(statement.lastSeq).toBeGreaterThan(0);
        expect((await store.loadDocument(room.id, 'notes')).updates).toEqual([]);
      });
    });

    describe('questions', () => {
      it('finds a created question with every field, and lists built-in ones first, then by title', async () => {
        const mine = questionRecord({ title: 'beta' });
        const builtIn = questionRecord({ id: 'zz-built-in', title: 'Zeta', builtIn: true });
        const other = questionRecord({ title: 'Alpha', hints: undefined, starterCode: {} });
        delete other.hints;
        for (const q of [mine, builtIn, other]) await store.createQuestion(q);
        expect(await store.getQuestion(mine.id)).toEqual(mine);
        expect(await store.getQuestion(other.id)).toEqual(other);
        expect((await store.listQuestions()).map((q) => q.id)).toEqual([builtIn.id, other.id, mine.id]);
        expect(await store.getQuestion('no-such-question')).toBeNull();
      });

      it('refuses a second question with the same id', async () => {
        const q = questionRecord();
        await store.createQuestion(q);
        await expect(store.createQuestion({ ...q, title: 'Impostor' })).rejects.toThrow();
        expect((await store.getQuestion(q.id))?.title).toBe(q.title);
      });

      it('updates content and updatedAt, keeping id, builtIn and createdAt; hints can be removed', async () => {
        const q = questionRecord();
        await store.createQuestion(q);
        const later = new Date(q.createdAt.getTime() + 60_000);
        const updated = await store.updateQuestion(q.id, { title: 'New', statement: 'New statement', starterCode: { javascript: 'x' } }, later);
        const expected: QuestionRecord = { id: q.id, title: 'New', statement: 'New statement', starterCode: { javascript: 'x' }, builtIn: false, createdAt: q.createdAt, updatedAt: later };
        expect(updated).toEqual(expected);
        expect(await store.getQuestion(q.id)).toEqual(expected);
        expect(await store.updateQuestion('no-such-question', { title: 'x', statement: 'y', starterCode: {} }, later)).toBeNull();
      });

      it('deletes a question once', async () => {
        const q = questionRecord();
        await store.createQuestion(q);
        expect(await store.deleteQuestion(q.id)).toBe(true);
        expect(await store.getQuestion(q.id)).toBeNull();
        expect(await store.deleteQuestion(q.id)).toBe(false);
        expect(await store.listQuestions()).toEqual([]);
      });

      it('keeps questions across a reopen', async () => {
        const q = questionRecord({ builtIn: true });
        await store.createQuestion(q);
        await store.close();
        const reopened = await fixture.reopen();
        try {
          expect(await reopened.getQuestion(q.id)).toEqual(q);
        } finally {
          await reopened.close();
        }
      });
    });

    describe('room status', () => {
      it('creates a room open, ends it with a time and an author, and reopens it', async () => {
        const { room } = await createdRoom();
        expect((await store.findRoom(room.id))?.ended).toBeNull();
        expect(await store.setRoomStatus(room.id, { at: at(5_000), by: 'Ada «interviewer»' })).toBe(true);
        expect((await store.findRoom(room.id))?.ended).toEqual({ at: at(5_000), by: 'Ada «interviewer»' });
        expect(await store.setRoomStatus(room.id, null)).toBe(true);
        expect((await store.findRoom(room.id))?.ended).toBeNull();
      });

      it('keeps each room’s status to itself and answers false for an unknown room', async () => {
        const a = await createdRoom();
        const b = await createdRoom();
        await store.setRoomStatus(a.room.id, { at: at(1), by: 'Ada' });
        expect((await store.findRoom(b.room.id))?.ended).toBeNull();
        expect(await store.setRoomStatus(newRoomId(), { at: at(1), by: 'Ada' })).toBe(false);
      });

      it('stores the status a room is created with', async () => {
        const room = roomRecord('python', { ended: { at: at(7), by: 'Bo' } });
        await store.createRoom(room, seedUpdate('python'));
        expect((await store.findRoom(room.id))?.ended).toEqual({ at: at(7), by: 'Bo' });
      });
    });

    describe('run history', () => {
      it('has no runs until one is saved, then lists it with every field', async () => {
        const { room } = await createdRoom();
        expect(await store.listRuns(room.id)).toEqual([]);
        const finished = runRecord('run-1', {
          language: 'javascript',
          finishedAt: at(2500),
          status: 'error',
          output: 'line 1\n\u0000✓ 🙂\n',
          error: 'ReferenceError: x is not defined',
          durationMs: 1234.5,
        });
        await store.saveRun(room.id, finished);
        expect(await store.listRuns(room.id)).toStrictEqual([finished]);
      });

      it('replaces a run saved again under the same runId, keeping its place', async () => {
        const { room } = await createdRoom();
        await store.saveRun(room.id, runRecord('first', { startedAt: at(1000) }));
        await store.saveRun(room.id, runRecord('second', { startedAt: at(2000) }));
        const done = runRecord('first', { startedAt: at(1000), finishedAt: at(3000), status: 'ok', output: 'done\n', durationMs: 12 });
        await store.saveRun(room.id, done);
        const runs = await store.listRuns(room.id);
        expect(runs.map((r) => r.runId)).toEqual(['first', 'second']);
        expect(runs[0]).toStrictEqual(done);
        expect(runs[1]?.status).toBeNull();
      });

      it('lists runs oldest first, whatever order they were saved in, and in save order at the same time', async () => {
        const { room } = await createdRoom();
        await store.saveRun(room.id, runRecord('late', { startedAt: at(9000) }));
        await store.saveRun(room.id, runRecord('early', { startedAt: at(1000) }));
        await store.saveRun(room.id, runRecord('tie-a', { startedAt: at(5000) }));
        await store.saveRun(room.id, runRecord('tie-b', { startedAt: at(5000) }));
        expect((await store.listRuns(room.id)).map((r) => r.runId)).toEqual(['early', 'tie-a', 'tie-b', 'late']);
      });

      it('keeps each room’s runs to itself: the same runId in two rooms is two runs', async () => {
        const a = await createdRoom();
        const b = await createdRoom();
        await store.saveRun(a.room.id, runRecord('run-1', { code: 'a' }));
        await store.saveRun(b.room.id, runRecord('run-1', { code: 'b' }));
        expect((await store.listRuns(a.room.id)).map((r) => r.code)).toEqual(['a']);
        expect((await store.listRuns(b.room.id)).map((r) => r.code)).toEqual(['b']);
        expect(await store.listRuns(newRoomId())).toEqual([]);
      });

      it('keeps large output exactly', async () => {
        const { room } = await createdRoom();
        const output = 'é🙂x\n'.repeat(64 * 1024);
        await store.saveRun(room.id, runRecord('big', { output, status: 'ok', finishedAt: at(2000) }));
        expect((await store.listRuns(room.id))[0]?.output).toBe(output);
      });

      it('ends the room’s unfinished runs as stopped with the error given, leaving finished runs and other rooms alone', async () => {
        const a = await createdRoom();
        const b = await createdRoom();
        const finished = runRecord('finished', { startedAt: at(1000), finishedAt: at(1500), status: 'ok', output: 'ok\n', durationMs: 3 });
        await store.saveRun(a.room.id, finished);
        await store.saveRun(a.room.id, runRecord('going-1', { startedAt: at(2000), output: '' }));
        await store.saveRun(a.room.id, runRecord('going-2', { startedAt: at(3000) }));
        await store.saveRun(b.room.id, runRecord('other-room', { startedAt: at(2000) }));
        expect(await store.endUnfinishedRuns(a.room.id, at(60_000), 'The run was interrupted: the server restarted.')).toBe(2);
        const runs = await store.listRuns(a.room.id);
        expect(runs[0]).toStrictEqual(finished);
        for (const run of runs.slice(1)) {
          expect(run).toMatchObject({ status: 'stopped', error: 'The run was interrupted: the server restarted.', durationMs: null });
          expect(run.finishedAt).toEqual(at(60_000));
        }
        expect((await store.listRuns(b.room.id))[0]?.status).toBeNull();
        expect(await store.endUnfinishedRuns(a.room.id, at(70_000), 'again')).toBe(0);
      });

      it('refuses a run for a room that does not exist', async () => {
        await expect(store.saveRun(newRoomId(), runRecord('orphan'))).rejects.toThrow();
      });
    });

    describe('signals', () => {
      it('lists signals oldest first with exactly the fields they were stored with', async () => {
        const { room } = await createdRoom();
        expect(await store.listSignals(room.id)).toEqual([]);
        const by = { name: 'Cleo', role: 'candidate' } as const;
        const signals: SignalRecord[] = [
          { kind: 'paste', at: at(1000), by, chars: 240, lines: 12 },
          { kind: 'focus-lost', at: at(2000), by },
          { kind: 'focus-returned', at: at(5000), by, awayMs: 3000 },
          { kind: 'focus-returned', at: at(6000), by },
        ];
        for (const signal of signals) await store.appendSignal(room.id, signal);
        expect(await store.listSignals(room.id)).toStrictEqual(signals);
      });

      it('keeps each room’s signals to itself, and keeps two signals of the same time in order', async () => {
        const a = await createdRoom();
        const b = await createdRoom();
        const by = { name: 'Cleo', role: 'candidate' } as const;
        await store.appendSignal(a.room.id, { kind: 'focus-lost', at: at(1000), by });
        await store.appendSignal(a.room.id, { kind: 'focus-returned', at: at(1000), by, awayMs: 0 });
        await store.appendSignal(b.room.id, { kind: 'paste', at: at(500), by, chars: 100, lines: 1 });
        expect((await store.listSignals(a.room.id)).map((s) => s.kind)).toEqual(['focus-lost', 'focus-returned']);
        expect((await store.listSignals(b.room.id)).map((s) => s.kind)).toEqual(['paste']);
        await expect(store.appendSignal(newRoomId(), { kind: 'focus-lost', at: at(1), by })).rejects.toThrow();
      });
    });

    describe('participants', () => {
      it('records joins and leaves, in join order, each join with its own id', async () => {
        const { room } = await createdRoom();
        expect(await store.listParticipants(room.id)).toEqual([]);
        const ada = await store.recordJoin(room.id, { name: 'Ada', role: 'interviewer', joinedAt: at(1000) });
        const cleo = await store.recordJoin(room.id, { name: 'Cleo 🧪', role: 'candidate', joinedAt: at(2000) });
        const cleoAgain = await store.recordJoin(room.id, { name: 'Cleo 🧪', role: 'candidate', joinedAt: at(2000) });
        expect(new Set([ada, cleo, cleoAgain]).size).toBe(3);
        await store.recordLeave(room.id, cleo, at(3000));
        expect(await store.listParticipants(room.id)).toStrictEqual([
          { name: 'Ada', role: 'interviewer', joinedAt: at(1000), leftAt: null },
          { name: 'Cleo 🧪', role: 'candidate', joinedAt: at(2000), leftAt: at(3000) },
          { name: 'Cleo 🧪', role: 'candidate', joinedAt: at(2000), leftAt: null },
        ]);
      });

      it('keeps each room’s participants to itself; a leave with another room’s id changes nothing', async () => {
        const a = await createdRoom();
        const b = await createdRoom();
        const ada = await store.recordJoin(a.room.id, { name: 'Ada', role: 'interviewer', joinedAt: at(1000) });
        await store.recordJoin(b.room.id, { name: 'Bo', role: 'interviewer', joinedAt: at(1000) });
        await store.recordLeave(b.room.id, ada, at(2000));
        expect(await store.listParticipants(a.room.id)).toStrictEqual([{ name: 'Ada', role: 'interviewer', joinedAt: at(1000), leftAt: null }]);
        expect((await store.listParticipants(b.room.id)).map((p) => p.name)).toEqual(['Bo']);
        await expect(store.recordJoin(newRoomId(), { name: 'X', role: 'candidate', joinedAt: at(1) })).rejects.toThrow();
      });
    });

    describe('lifecycle', () => {
      it('answers ping while open', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('close waits for pending writes: an append made just before close is durable', async () => {
        const { room, seed } = await createdRoom();
        let seq: number | null = null;
        const pending = store.appendUpdate(update(room.id, [7, 7, 7])).then((value) => (seq = value));
        await store.close();
        expect(seq).not.toBeNull();
        await pending;
        const reopened = await fixture.reopen();
        try {
          const doc = await reopened.loadDocument(room.id);
          expect(doc.updates.map(bytes)).toEqual([bytes(seed), [7, 7, 7]]);
          expect(doc.lastSeq).toBe(seq);
        } finally {
          await reopened.close();
        }
      });

      it('keeps the status, run history, signals and participants across a reopen', async () => {
        const { room } = await createdRoom();
        await store.setRoomStatus(room.id, { at: at(9000), by: 'Ada' });
        const run = runRecord('run-1', { finishedAt: at(2000), status: 'timeout', error: 'too slow', output: 'x', durationMs: 30000 });
        await store.saveRun(room.id, run);
        const signal: SignalRecord = { kind: 'paste', at: at(1500), by: { name: 'Cleo', role: 'candidate' }, chars: 500, lines: 20 };
        await store.appendSignal(room.id, signal);
        const id = await store.recordJoin(room.id, { name: 'Cleo', role: 'candidate', joinedAt: at(1000) });
        await store.recordLeave(room.id, id, at(8000));
        await store.close();

        const reopened = await fixture.reopen();
        try {
          expect((await reopened.findRoom(room.id))?.ended).toEqual({ at: at(9000), by: 'Ada' });
          expect(await reopened.listRuns(room.id)).toStrictEqual([run]);
          expect(await reopened.listSignals(room.id)).toStrictEqual([signal]);
          expect(await reopened.listParticipants(room.id)).toStrictEqual([
            { name: 'Cleo', role: 'candidate', joinedAt: at(1000), leftAt: at(8000) },
          ]);
        } finally {
          await reopened.close();
        }
      });

      it('keeps rooms, history, snapshots and runs across a reopen', async () => {
        const { room } = await createdRoom('javascript');
        const s1 = await store.appendUpdate(update(room.id, [1]));
        await store.saveSnapshot(room.id, Uint8Array.from([0xcc]), s1);
        const s2 = await store.appendUpdate(update(room.id, [2]));
        const run = latestRun('run-9');
        await store.saveLatestRun(room.id, run);
        await store.close();

        const reopened = await fixture.reopen();
        try {
          const found = await reopened.findRoom(room.id);
          expect(found?.language).toBe('javascript');
          expect(bytes(found!.candidateTokenHash)).toEqual(bytes(room.candidateTokenHash));
          const doc = await reopened.loadDocument(room.id);
          expect(bytes(doc.snapshot)).toEqual([0xcc]);
          expect(doc.updates.map(bytes)).toEqual([[2]]);
          expect(doc.lastSeq).toBe(s2);
          expect(await reopened.loadLatestRun(room.id)).toEqual(run);
          // New appends continue after the old ones.
          expect(await reopened.appendUpdate(update(room.id, [3]))).toBeGreaterThan(s2);
        } finally {
          await reopened.close();
        }
      });
    });
  });
}
