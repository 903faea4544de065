/**
 * The load generator's clients: plain `ws` sockets speaking the y-websocket
 * protocol (bench/relay/wire.ts) without a Y.Doc, so that thousands of them
 * fit in one process beside the measurements.
 */
import WebSocket, { type RawData } from 'ws';
import { socketUrl, type RoomAddress } from './servers.js';
import { EMPTY_SYNC_STEP1, EMPTY_SYNC_STEP2, readFrame } from './wire.js';

/** Bounds a failure only: joining under load on a shared 2-core machine can be slow, but not this slow. */
const CONNECT_TIMEOUT_MS = 60_000;

export interface LoadClientOptions {
  address: RoomAddress;
  /**
   * Do the sync handshake (send sync step 1, answer the server's step 1 with
   * an empty step 2) and count as ready only once the server's step 2 came:
   * the client then holds the room's document as a stock client would. Off
   * for a server without a document, which would only forward the frames.
   */
  handshake: boolean;
  /**
   * Called with each incremental update the server relays (not the initial
   * step 2). Without it, incoming frames are not decoded at all.
   */
  onUpdate?: (update: Uint8Array) => void;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** Every client still open, so an interrupted run can close them all. */
const openClients = new Set<LoadClient>();

export class LoadClient {
  private constructor(private readonly socket: WebSocket) {}

  /** Opens a socket and resolves once it is ready (see `handshake`). */
  static connect(options: LoadClientOptions): Promise<LoadClient> {
    const url = socketUrl(options.address);
    // No compression offered: none of the servers would take it, and it would cost the clients.
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const client = new LoadClient(socket);
    openClients.add(client);
    return new Promise((resolve, reject) => {
      let ready = false;
      const fail = (why: string) => {
        if (ready) return;
        ready = true;
        clearTimeout(timer);
        client.close();
        reject(new Error(`${url.replace(/token=[^&]*/, 'token=…')}: ${why}`));
      };
      const timer = setTimeout(() => fail(`not ready within ${CONNECT_TIMEOUT_MS} ms`), CONNECT_TIMEOUT_MS);
      const becomeReady = () => {
        if (ready) return;
        ready = true;
        clearTimeout(timer);
        resolve(client);
      };
      socket.on('open', () => {
        if (!options.handshake) {
          becomeReady();
          return;
        }
        socket.send(EMPTY_SYNC_STEP1);
      });
      socket.on('message', (data, isBinary) => {
        if (!isBinary) return;
        if (!options.handshake && !options.onUpdate) return;
        const frame = readFrame(toBytes(data));
        switch (frame.kind) {
          case 'sync-step1':
            // Nothing of ours is new to the server, but stock clients answer, and relays expect it.
            socket.send(EMPTY_SYNC_STEP2);
            return;
          case 'sync-step2':
            becomeReady();
            return;
          case 'update':
            options.onUpdate?.(frame.update);
            return;
          case 'other':
            return;
        }
      });
      socket.on('close', (code, reason) => fail(`closed before ready: ${code} ${reason.toString()}`));
      socket.on('error', (error) => fail(error.message));
    });
  }

  send(frame: Uint8Array): void {
    this.socket.send(frame, { binary: true });
  }

  close(): void {
    openClients.delete(this);
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
  }
}

export function closeAllClients(): void {
  for (const client of [...openClients]) client.close();
}

/**
 * Runs `task` over the items with at most `concurrency` at once, results in
 * order: opening hundreds of sockets or API calls at once would measure an
 * accept storm, not the server.
 */
export async function inPool<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Resolves once `done()` holds, checking every `everyMs`; false if `timeoutMs` passed first. */
export async function until(done: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}
