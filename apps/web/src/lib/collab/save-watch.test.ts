import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { decodeClientFrame, encodeSyncStep1, encodeSyncStep2 } from '@interview/protocol';
import { watchSaves, type SaveWatch } from './save-watch.js';

/**
 * The stock provider against an in-memory relay that keeps the real one's
 * promise: a sync step 1 is answered only after everything that came
 * before it on that socket was handled. The relay can hold its answers
 * (a slow disk), refuse writes (a candidate after the interview ended) and
 * go down.
 */
class MemoryRelay {
  readonly doc = new Y.Doc();
  up = true;
  readOnly = false;
  holding = false;
  /** The kind of every frame received, in order. */
  readonly received: string[] = [];
  readonly #held: Array<() => void> = [];
  readonly sockets = new Set<MemorySocket>();

  accept(socket: MemorySocket): void {
    if (!this.up) {
      socket.deliverClose(1006);
      return;
    }
    this.sockets.add(socket);
    socket.deliverOpen();
    socket.deliverMessage(encodeSyncStep1(Y.encodeStateVector(this.doc)));
  }

  receive(socket: MemorySocket, frame: Uint8Array): void {
    const decoded = decodeClientFrame(frame);
    if (!decoded.ok) throw new Error(decoded.reason);
    const message = decoded.value;
    this.received.push(message.kind);
    if (message.kind === 'sync-step1') {
      const answer = encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, message.stateVector));
      const send = () => socket.deliverMessage(answer);
      if (this.holding) this.#held.push(send);
      else send();
    } else if (message.kind === 'update' && !this.readOnly) {
      Y.applyUpdate(this.doc, message.update);
    }
  }

  release(): void {
    this.holding = false;
    for (const send of this.#held.splice(0)) send();
  }

  /** Every socket drops, as when the server process stops. */
  stop(): void {
    this.up = false;
    this.holding = false;
    this.#held.length = 0;
    for (const socket of [...this.sockets]) socket.deliverClose(1012);
    this.sockets.clear();
  }
}

let relay = new MemoryRelay();

/** The part of the browser's WebSocket that y-websocket and `watchSaves` use; events arrive on later microtasks, like a network. */
class MemorySocket extends EventTarget {
  static readonly OPEN = 1;
  readonly OPEN = 1;
  readyState = 0;
  binaryType = 'arraybuffer';
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor() {
    super();
    queueMicrotask(() => relay.accept(this));
  }

  send(frame: Uint8Array): void {
    if (this.readyState !== this.OPEN) throw new Error('send on a socket that is not open');
    const copy = frame.slice();
    queueMicrotask(() => {
      if (relay.sockets.has(this)) relay.receive(this, copy);
    });
  }

  close(): void {
    relay.sockets.delete(this);
    this.readyState = 3;
  }

  deliverOpen(): void {
    this.readyState = this.OPEN;
    this.onopen?.();
  }

  deliverMessage(frame: Uint8Array): void {
    queueMicrotask(() => {
      if (this.readyState !== this.OPEN) return;
      const data = frame.slice().buffer;
      // A browser runs the `onmessage` handler first: it was set before any listener was added.
      this.onmessage?.({ data });
      this.dispatchEvent(new MessageEvent('message', { data }));
    });
  }

  deliverClose(code: number): void {
    queueMicrotask(() => {
      this.readyState = 3;
      this.onclose?.({ code, reason: '' });
    });
  }
}

interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  saves: SaveWatch;
  flips: boolean[];
}

const clients: Client[] = [];

function connectClient(options: { alreadySaved?: (origin: unknown) => boolean } = {}, doc = new Y.Doc()): Client {
  const provider = new WebsocketProvider('ws://relay.test/ws', 'room', doc, {
    connect: false,
    disableBc: true,
    maxBackoffTime: 20,
    // The in-memory socket stands in for the browser's; the provider only calls what it implements.
    WebSocketPolyfill: MemorySocket as unknown as typeof WebSocket,
  });
  const flips: boolean[] = [];
  const saves = watchSaves(provider, doc, { ...options, onChange: (unsynced) => flips.push(unsynced) });
  provider.connect();
  const client = { doc, provider, saves, flips };
  clients.push(client);
  return client;
}

const text = (doc: Y.Doc) => doc.getText('code').toString();
const connected = (client: Client) => vi.waitFor(() => expect(client.provider.synced).toBe(true));
const saved = (client: Client) => vi.waitFor(() => expect(client.saves.unsynced).toBe(false));

afterEach(() => {
  for (const client of clients.splice(0)) {
    client.saves.destroy();
    client.provider.destroy();
  }
  relay = new MemoryRelay();
});

describe('watchSaves with the stock provider', () => {
  it('reports an edit unsynced until the relay has handled it', async () => {
    const client = connectClient();
    await connected(client);
    expect(client.saves.unsynced).toBe(false);
    relay.holding = true;
    client.doc.getText('code').insert(0, 'print(1)');
    expect(client.saves.unsynced).toBe(true);
    await vi.waitFor(() => expect(text(relay.doc)).toBe('print(1)'));
    // Applied on the relay, but the receipt is not answered: still unconfirmed.
    expect(client.saves.unsynced).toBe(true);
    relay.release();
    await saved(client);
    expect(client.flips).toEqual([true, false]);
  });

  it('asks for the receipt after the edit it confirms, never before', async () => {
    const client = connectClient();
    await connected(client);
    relay.received.length = 0;
    client.doc.getText('code').insert(0, 'a');
    await saved(client);
    expect(relay.received.filter((kind) => kind !== 'awareness')).toEqual(['update', 'sync-step1']);
  });

  it('counts a deletion, which leaves the state vector unchanged', async () => {
    const client = connectClient();
    await connected(client);
    client.doc.getText('code').insert(0, 'abc');
    await saved(client);
    relay.holding = true;
    client.doc.getText('code').delete(0, 1);
    expect(client.saves.unsynced).toBe(true);
    relay.release();
    await saved(client);
    expect(text(relay.doc)).toBe('bc');
  });

  it('keeps offline edits unsynced until they reached the relay after reconnecting', async () => {
    const client = connectClient();
    await connected(client);
    relay.stop();
    await vi.waitFor(() => expect(client.provider.wsconnected).toBe(false));
    client.doc.getText('code').insert(0, 'typed offline');
    expect(client.saves.unsynced).toBe(true);
    relay.up = true;
    await saved(client);
    expect(text(relay.doc)).toBe('typed offline');
  });

  it('keeps an edit unsynced when the socket drops before the relay answered', async () => {
    const client = connectClient();
    await connected(client);
    relay.holding = true;
    client.doc.getText('code').insert(0, 'x');
    await vi.waitFor(() => expect(text(relay.doc)).toBe('x'));
    relay.stop();
    await vi.waitFor(() => expect(client.provider.wsconnected).toBe(false));
    expect(client.saves.unsynced).toBe(true);
    relay.up = true;
    await saved(client);
  });

  it('is not unsynced because of what the server sends', async () => {
    const writer = connectClient();
    const reader = connectClient();
    await connected(writer);
    await connected(reader);
    writer.doc.getText('code').insert(0, 'from the writer');
    await saved(writer);
    // The memory relay does not broadcast; the reader hears of the edit at its next sync.
    relay.stop();
    relay.up = true;
    await vi.waitFor(() => expect(text(reader.doc)).toBe('from the writer'));
    expect(reader.saves.unsynced).toBe(false);
    expect(reader.flips).toEqual([]);
  });

  it('takes edits the relay dropped for lack of rights as handled: waiting would not save them', async () => {
    const client = connectClient();
    await connected(client);
    relay.readOnly = true;
    client.doc.getText('code').insert(0, 'refused');
    await saved(client);
    expect(text(relay.doc)).toBe('');
  });

  it('counts what the browser restored from its copy, unless that copy was saved', async () => {
    const copy = Symbol('local copy');
    const restored = new Y.Doc();
    const client = connectClient({ alreadySaved: (origin) => origin === copy }, restored);
    const offline = new Y.Doc();
    offline.getText('code').insert(0, 'kept in the browser');
    Y.applyUpdate(restored, Y.encodeStateAsUpdate(offline), copy);
    expect(client.saves.unsynced).toBe(false);

    const unsure = connectClient({}, new Y.Doc());
    Y.applyUpdate(unsure.doc, Y.encodeStateAsUpdate(offline), copy);
    expect(unsure.saves.unsynced).toBe(true);
    await saved(unsure);
    expect(text(relay.doc)).toBe('kept in the browser');
  });
});
