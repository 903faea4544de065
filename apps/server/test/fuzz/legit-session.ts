import * as Y from 'yjs';
import { DocumentChannel, MessageType } from '@interview/protocol';
import { waitFor } from '@interview/test-support';
import { connectStockClient, createRoom, type CreatedRoom, type StockClient } from '../clients.js';
import { documentKey, type FuzzTarget } from './fuzz-targets.js';

/** One document the fuzzer attacks, with a stock client that stays on it from before the fuzzing to the end. */
export interface WatchedDocument {
  room: FuzzTarget['room'];
  channel: DocumentChannel;
  roomId: string;
  /** An interviewer's stock client: it must only ever see what participants wrote. */
  reader: StockClient;
  /** The document as the relay held it when the fuzzing began. */
  known: Uint8Array;
}

/**
 * The participants' own work around the fuzzing: two rooms (one open, one
 * whose interview has ended), legitimate edits on every channel made before
 * the fuzzing and after it, and a reader on each document throughout.
 */
export class LegitSession {
  readonly clients: StockClient[] = [];
  readonly documents: WatchedDocument[] = [];
  /** Who writes each document's legitimate edits. */
  private readonly writers = new Map<string, StockClient>();
  /** The participants who wrote before the fuzzing, by name (and channel, past main). */
  private readonly participants = new Map<string, StockClient>();

  private constructor(
    private readonly baseUrl: string,
    readonly marker: string,
    readonly rooms: Record<FuzzTarget['room'], CreatedRoom>,
  ) {}

  static async start(baseUrl: string, marker: string): Promise<LegitSession> {
    // Each stock provider listens for the process's exit (to say goodbye); this session holds about twenty.
    process.setMaxListeners(Math.max(process.getMaxListeners(), 32));
    const rooms = { open: await createRoom(baseUrl, { title: 'Fuzz, open' }), ended: await createRoom(baseUrl, { title: 'Fuzz, ended' }) };
    const session = new LegitSession(baseUrl, marker, rooms);
    await session.writeBefore();
    await session.endInterview('ended');
    for (const [room, channel] of [
      ['open', DocumentChannel.main],
      ['open', DocumentChannel.statement],
      ['open', DocumentChannel.notes],
      ['ended', DocumentChannel.main],
      ['ended', DocumentChannel.statement],
    ] as const) {
      await session.watch(room, channel);
    }
    return session;
  }

  /** A stock client, closed by `destroy`; room events are ignored (the stock provider does not know them). */
  connect(room: FuzzTarget['room'], role: 'interviewer' | 'candidate', name: string, channel: DocumentChannel = DocumentChannel.main): StockClient {
    const { roomId, interviewerToken, candidateToken } = this.rooms[room];
    const client = connectStockClient(this.baseUrl, roomId, role === 'interviewer' ? interviewerToken : candidateToken, name, channel);
    client.provider.messageHandlers[MessageType.RoomEvent] = () => {};
    this.clients.push(client);
    return client;
  }

  writer(room: FuzzTarget['room'], channel: DocumentChannel): StockClient {
    const writer = this.writers.get(documentKey({ room, channel }));
    if (!writer) throw new Error(`no writer for ${room}/${channel}`);
    return writer;
  }

  participant(name: string): StockClient {
    const client = this.participants.get(name);
    if (!client) throw new Error(`no participant ${name}`);
    return client;
  }

  knownState(target: Pick<FuzzTarget, 'room' | 'channel'>): Uint8Array {
    const document = this.documents.find((d) => d.room === target.room && d.channel === target.channel);
    if (!document) throw new Error(`no document ${documentKey(target)} is watched`);
    return document.known;
  }

  /** Every client id that wrote a legitimate edit: the relay's seeding (in the known states) and the participants. */
  legitimateClientIds(): Set<number> {
    const ids = new Set(this.clients.map((client) => client.doc.clientID));
    for (const { known } of this.documents) for (const client of Y.decodeStateVector(Y.encodeStateVectorFromUpdate(known)).keys()) ids.add(client);
    return ids;
  }

  /** Appends a line to a document through its writer and waits until its reader has it. */
  async append(room: FuzzTarget['room'], channel: DocumentChannel, line: string, by = this.writer(room, channel)): Promise<void> {
    by.text.insert(by.text.length, line);
    const reader = this.documents.find((d) => d.room === room && d.channel === channel)?.reader;
    if (reader) await waitFor(() => reader.text.toString().includes(line), { what: `the reader of ${room}/${channel} to get "${line.trim()}"` });
  }

  destroy(): void {
    for (const client of this.clients.splice(0)) client.destroy();
  }

  private async writeBefore(): Promise<void> {
    const ada = this.connect('open', 'interviewer', 'Ada');
    const cleo = this.connect('open', 'candidate', 'Cleo');
    const statement = this.connect('open', 'interviewer', 'Ada', DocumentChannel.statement);
    const notes = this.connect('open', 'interviewer', 'Ada', DocumentChannel.notes);
    const edna = this.connect('ended', 'interviewer', 'Edna');
    const carl = this.connect('ended', 'candidate', 'Carl');
    const endedStatement = this.connect('ended', 'interviewer', 'Edna', DocumentChannel.statement);
    await Promise.all([ada, cleo, statement, notes, edna, carl, endedStatement].map((client) => client.synced()));
    for (const [name, client] of Object.entries({ Ada: ada, Cleo: cleo, 'Ada/statement': statement, 'Ada/notes': notes, Edna: edna, Carl: carl, 'Edna/statement': endedStatement })) {
      this.participants.set(name, client);
    }
    this.writers.set('open/main', ada);
    this.writers.set('open/statement', statement);
    this.writers.set('open/notes', notes);
    this.writers.set('ended/main', edna);
    this.writers.set('ended/statement', endedStatement);

    ada.text.insert(0, `# ${this.marker} Ada, before\n`);
    cleo.text.insert(cleo.text.length, `# ${this.marker} Cleo, before\n`);
    statement.text.insert(0, `# Statement ${this.marker}\n\nReturn the indices.\n`);
    notes.text.insert(0, `Notes ${this.marker}: strong start.\n`);
    edna.text.insert(0, `# ${this.marker} Edna, before\n`);
    carl.text.insert(carl.text.length, `# ${this.marker} Carl, before the end\n`);
    endedStatement.text.insert(0, `# Ended statement ${this.marker}\n`);
    const same = (a: StockClient, b: StockClient) => a.text.toString() === b.text.toString() && a.text.toString().includes('before');
    await waitFor(() => same(ada, cleo) && ada.text.toString().includes('Cleo, before'), { what: 'Ada and Cleo to share their edits' });
    await waitFor(() => same(edna, carl) && edna.text.toString().includes('Carl, before'), { what: 'Edna and Carl to share their edits' });
  }

  private async endInterview(room: FuzzTarget['room']): Promise<void> {
    const { roomId, interviewerToken } = this.rooms[room];
    const response = await fetch(`${this.baseUrl}/api/rooms/${roomId}/status`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${interviewerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ended: true, name: 'Edna' }),
    });
    if (response.status !== 200) throw new Error(`ending the interview answered ${response.status}: ${await response.text()}`);
  }

  /** A reader on the document, once it holds everything its writer wrote: its state is what the relay holds. */
  private async watch(room: FuzzTarget['room'], channel: DocumentChannel): Promise<void> {
    const reader = this.connect(room, 'interviewer', `Reader ${room}/${channel}`, channel);
    const writer = this.writer(room, channel);
    await reader.synced();
    await waitFor(() => reader.text.toString() === writer.text.toString(), { what: `the reader of ${room}/${channel} to hold the legitimate edits` });
    this.documents.push({ room, channel, roomId: this.rooms[room].roomId, reader, known: Y.encodeStateAsUpdate(reader.doc) });
  }
}
