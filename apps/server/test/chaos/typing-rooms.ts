import * as Y from 'yjs';
import { MessageType } from '@interview/protocol';
import { waitFor } from '@interview/test-support';
import { connectStockClient, createRoom, type CreatedRoom } from '../clients.js';
import { Prng } from '../fuzz/prng.js';
import { readMarks } from './marks.js';
import { Typist } from './typist.js';

export interface TypingRoom {
  room: CreatedRoom;
  typists: Typist[];
  /** The document before anyone typed: the starter code the relay seeded. */
  initial: string;
}

/**
 * Several rooms with several typists each, all stock y-websocket clients
 * against one server URL that may die and come back: the providers
 * reconnect by themselves. Answers the questions a chaos test asks of them:
 * is everyone back, has everyone converged, what should each document hold.
 */
export class TypingRooms {
  private constructor(readonly rooms: TypingRoom[]) {}

  static async open(baseUrl: string, { rooms, clientsPerRoom, rng }: { rooms: number; clientsPerRoom: number; rng: Prng }): Promise<TypingRooms> {
    // Each stock provider listens for the process's exit (to say goodbye).
    process.setMaxListeners(Math.max(process.getMaxListeners(), rooms * clientsPerRoom + 16));
    const opened: TypingRoom[] = [];
    const typingRooms = new TypingRooms(opened);
    try {
      for (let r = 0; r < rooms; r++) {
        const room = await createRoom(baseUrl, { title: `Chaos ${r}` });
        const typists: Typist[] = [];
        opened.push({ room, typists, initial: '' });
        for (let c = 0; c < clientsPerRoom; c++) {
          const author = `r${r}c${c}`;
          const client = connectStockClient(baseUrl, room.roomId, c === 0 ? room.interviewerToken : room.candidateToken, author);
          // Room events (participants, runs) mean nothing to the stock provider.
          client.provider.messageHandlers[MessageType.RoomEvent] = () => {};
          typists.push(new Typist(client, author, new Prng(rng.uint32())));
        }
      }
      await typingRooms.allBack('every client to join');
      for (const typingRoom of opened) typingRoom.initial = typingRoom.typists[0]!.client.text.toString();
      return typingRooms;
    } catch (error) {
      typingRooms.destroy();
      throw error;
    }
  }

  get typists(): Typist[] {
    return this.rooms.flatMap((room) => room.typists);
  }

  startTyping(intervalMs: number): void {
    for (const typist of this.typists) typist.start(intervalMs);
  }

  stopTyping(): void {
    for (const typist of this.typists) typist.stop();
  }

  /** Edits the slowest typist has made. */
  fewestEdits(): number {
    return Math.min(...this.typists.map((typist) => typist.edits));
  }

  /** Waits until every typist has made `count` more edits than now. */
  async moreEdits(count: number, what: string, timeoutMs = 20_000): Promise<void> {
    const targets = this.typists.map((typist) => typist.edits + count);
    await waitFor(() => this.typists.every((typist, i) => typist.edits >= targets[i]!), { what, timeoutMs });
  }

  /** Every provider connected and synced with the server it is connected to. */
  allSynced(): boolean {
    return this.typists.every(({ client }) => client.provider.wsconnected && client.provider.synced);
  }

  anySynced(): boolean {
    return this.typists.some(({ client }) => client.provider.wsconnected && client.provider.synced);
  }

  async allBack(what: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(() => this.allSynced(), { what, timeoutMs });
  }

  /**
   * Waits until, in every room, every client is connected and synced and
   * all hold the same document (same text, same edits of every author).
   * The error names the rooms that did not get there.
   */
  async converged(timeoutMs = 30_000): Promise<void> {
    try {
      await waitFor(() => this.rooms.every((room) => divergence(room) === null), { what: 'every room to converge', timeoutMs, intervalMs: 50 });
    } catch (error) {
      const stuck = this.rooms.map(divergence).filter((d) => d !== null);
      throw new Error(`${(error as Error).message}\n${stuck.join('\n')}`);
    }
  }

  /** Stops the providers (they no longer reconnect) but keeps their documents. */
  disconnect(): void {
    for (const { client } of this.typists) client.provider.disconnect();
  }

  destroy(): void {
    this.stopTyping();
    for (const { client } of this.typists) client.destroy();
  }
}

/**
 * How a room's text differs from what its typists' edits must have made
 * of it: the starter code untouched, with every mark a typist kept exactly
 * once and no other (a mark its author deleted must not come back).
 */
export function markDifferences(room: TypingRoom, text: string): { missing: string[]; unexpected: string[]; starterCodeChanged: boolean } {
  const { marks, rest } = readMarks(text);
  const expected = new Map<string, number>();
  for (const mark of room.typists.flatMap((typist) => typist.kept)) expected.set(mark, (expected.get(mark) ?? 0) + 1);
  const unexpected: string[] = [];
  for (const mark of marks) {
    const left = expected.get(mark) ?? 0;
    if (left > 0) expected.set(mark, left - 1);
    else unexpected.push(mark);
  }
  const missing = [...expected].filter(([, left]) => left > 0).map(([mark]) => mark);
  return { missing, unexpected, starterCodeChanged: rest !== room.initial };
}

/** Why the room has not converged yet, or null when it has. */
function divergence(room: TypingRoom): string | null {
  const states = room.typists.map(({ author, client }) => ({
    author,
    connected: client.provider.wsconnected,
    synced: client.provider.synced,
    length: client.text.length,
    text: client.text.toString(),
    stateVector: [...Y.decodeStateVector(Y.encodeStateVector(client.doc))].sort(([a], [b]) => a - b).join(' '),
  }));
  const [first] = states;
  const settled = states.every((s) => s.connected && s.synced && s.text === first!.text && s.stateVector === first!.stateVector);
  if (settled) return null;
  return `room ${room.room.roomId}: ${states.map((s) => `${s.author} connected=${s.connected} synced=${s.synced} length=${s.length} sv=[${s.stateVector}]`).join('; ')}`;
}
