import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { encodeAwarenessFrame, encodeSyncStep1 } from '@interview/protocol';
import { startServer, waitFor, type ServerProcess } from '@interview/test-support';
import { connectStockClient, createRoom, type StockClient } from './clients.js';

/**
 * Ghost presence: a participant whose connection is gone must leave the
 * others' participant list and take their cursor with it, whether the
 * socket closed or just went silent (a laptop lid, a dead network).
 */

const HEARTBEAT_MS = 300;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(heartbeatMs = HEARTBEAT_MS): Promise<ServerProcess> {
  const started = await startServer({ env: { HEARTBEAT_MS: String(heartbeatMs) } });
  cleanups.push(() => started.stop());
  return started;
}

function names(client: StockClient): string[] {
  return [...client.provider.awareness.getStates().values()].map((state) => (state.user as { name?: string } | undefined)?.name ?? '').sort();
}

/**
 * A participant that joins, shows its presence, and then never sends
 * another byte, not even the pong the protocol answers pings with.
 */
async function silentParticipant(baseUrl: string, roomId: string, token: string, name: string): Promise<WebSocket> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/${roomId}?${new URLSearchParams({ token, name })}`, { autoPong: false });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalStateField('user', { name });
  socket.send(encodeSyncStep1(Y.encodeStateVector(doc)));
  socket.send(encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])));
  cleanups.push(() => {
    awareness.destroy();
    doc.destroy();
    socket.terminate();
  });
  return socket;
}

describe('ghost presence', () => {
  it('cuts a participant that stops answering pings, and the others see it leave within a few heartbeats', async () => {
    const relay = await server();
    const room = await createRoom(relay.url);
    const watcher = connectStockClient(relay.url, room.roomId, room.interviewerToken, 'Ada');
    cleanups.push(() => watcher.destroy());
    await watcher.synced();
    watcher.provider.awareness.setLocalStateField('user', { name: 'Ada' });

    const ghost = await silentParticipant(relay.url, room.roomId, room.candidateToken, 'Ghost');
    const cut = new Promise<number>((resolve) => ghost.once('close', (code) => resolve(code)));
    await waitFor(() => names(watcher).join() === 'Ada,Ghost', { what: 'the watcher to see the ghost arrive' });
    // One heartbeat to ping, the next to find no answer: the ghost goes within two or three of them.
    await waitFor(() => names(watcher).join() === 'Ada', { what: 'the ghost to leave the watcher’s list', timeoutMs: 10 * HEARTBEAT_MS });
    // The relay cut the socket without a close handshake (1006 on this side).
    expect(await cut).toBe(1006);
    // The watcher, which answers pings, is still there and still works.
    expect(watcher.provider.wsconnected).toBe(true);
    watcher.text.insert(0, 'still here');
    const late = connectStockClient(relay.url, room.roomId, room.candidateToken, 'Late');
    cleanups.push(() => late.destroy());
    await waitFor(() => late.text.toString().startsWith('still here'), { what: 'a later participant to get the watcher’s edit' });
  });

  it('clears the presence of a participant whose connection drops at once, without waiting for a heartbeat', async () => {
    // A heartbeat far longer than the wait below: only the close itself can clear the presence in time.
    const relay = await server(300_000);
    const room = await createRoom(relay.url);
    const watcher = connectStockClient(relay.url, room.roomId, room.interviewerToken, 'Ada');
    cleanups.push(() => watcher.destroy());
    await watcher.synced();
    const ghost = await silentParticipant(relay.url, room.roomId, room.candidateToken, 'Dropped');
    await waitFor(() => names(watcher).includes('Dropped'), { what: 'the watcher to see the participant arrive' });
    // The TCP connection ends with no WebSocket close frame, as when a tab's process dies.
    (ghost as unknown as { _socket: { destroy(): void } })._socket.destroy();
    await waitFor(() => !names(watcher).includes('Dropped'), { what: 'the dropped participant to leave the list', timeoutMs: 5_000 });
  });
});
