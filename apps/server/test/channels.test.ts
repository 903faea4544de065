import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ChannelText, CloseCode, encodeDocumentUpdate, encodeRoomEvent, MessageType } from '@interview/protocol';
import { makeTempDir, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import { connectRaw, connectStockClient, createRoom, type RawClient, type StockClient } from './clients.js';

/**
 * The statement and notes channels against the built server, with stock
 * y-websocket clients and bare sockets: what each role may open, write and
 * receive is decided by the server, whatever the client does.
 */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(dataDir = makeTempDir()): Promise<ServerProcess> {
  const started = await startServer({ dataDir, env: { LOG_LEVEL: 'debug' } });
  cleanups.push(() => started.kill());
  return started;
}

function stock(...args: Parameters<typeof connectStockClient>): StockClient {
  const client = connectStockClient(...args);
  cleanups.push(() => client.destroy());
  return client;
}

function raw(...args: Parameters<typeof connectRaw>): RawClient {
  const client = connectRaw(...args);
  cleanups.push(() => client.socket.close());
  return client;
}

/** Every byte a socket received, as one buffer, to search for text that must not be there. */
function allBytes(frames: Uint8Array[]): Buffer {
  return Buffer.concat(frames.map((frame) => Buffer.from(frame)));
}

function names(client: StockClient): string[] {
  return [...client.provider.awareness.getStates().values()].map((s) => (s.user as { name?: string } | undefined)?.name ?? '');
}

describe('document channels', () => {
  it('refuses a candidate token on the notes channel with 4403 before sending a single byte; the stock provider gives up', async () => {
    const relay = await server();
    const room = await createRoom(relay.url);
    const socket = raw(relay.url, room.roomId, room.candidateToken, 'Cleo', 'notes');
    const closed = await socket.closed;
    expect(closed).toEqual({ code: CloseCode.Forbidden, reason: 'a candidate may not open the notes channel' });
    expect(socket.received).toHaveLength(0);

    const provider = stock(relay.url, room.roomId, room.candidateToken, 'Cleo', 'notes');
    let terminal: { code: number } | null = null;
    provider.provider.on('closed', (event) => {
      terminal = event;
    });
    await waitFor(() => terminal, { what: 'the provider to give up' });
    expect(terminal!.code).toBe(CloseCode.Forbidden);
    expect(provider.provider.shouldConnect).toBe(false);
    // Interviewers open it; an unknown channel does not exist for anyone.
    const interviewer = stock(relay.url, room.roomId, room.interviewerToken, 'Ada', 'notes');
    await interviewer.synced();
    const unknown = raw(relay.url, room.roomId, room.interviewerToken, 'Ada', 'secrets');
    expect((await unknown.closed).code).toBe(CloseCode.RoomNotFound);
    expect(unknown.received).toHaveLength(0);
  });

  it('delivers an interviewer’s statement to the candidate; the candidate’s writes never reach anyone or storage, even after a restart', async () => {
    const dataDir = makeTempDir();
    cleanups.push(() => removeDir(dataDir));
    const first = await server(dataDir);
    const room = await createRoom(first.url);
    const ada = stock(first.url, room.roomId, room.interviewerToken, 'Ada', 'statement');
    const cleo = stock(first.url, room.roomId, room.candidateToken, 'Cleo', 'statement');
    await Promise.all([ada.synced(), cleo.synced()]);

    ada.text.insert(0, '# Two sum\n\nReturn the indices.\n');
    await waitFor(() => cleo.text.toString() === '# Two sum\n\nReturn the indices.\n', { what: 'the candidate to see the statement' });

    cleo.text.insert(0, 'HACKED BY CANDIDATE ');
    // Presence sent after the edit on the same socket: once Ada has it, the edit was handled.
    cleo.provider.awareness.setLocalStateField('user', { name: 'Cleo after writing' });
    await waitFor(() => names(ada).includes('Cleo after writing'), { what: 'the candidate’s presence at the interviewer' });
    expect(ada.text.toString()).toBe('# Two sum\n\nReturn the indices.\n');
    expect(cleo.closes).toEqual([]);
    expect(cleo.provider.wsconnected).toBe(true);
    expect(first.logs.some((l) => l.event === 'update-dropped' && l.channel === 'statement' && l.role === 'candidate')).toBe(true);

    // A bare socket with the candidate token fares no better with a hand-made update.
    const forger = new Y.Doc();
    forger.getText(ChannelText.statement).insert(0, 'FORGED STATEMENT');
    const bare = raw(first.url, room.roomId, room.candidateToken, 'Forger', 'statement');
    await bare.opened;
    bare.socket.send(encodeDocumentUpdate(Y.encodeStateAsUpdate(forger)));
    bare.socket.send(Uint8Array.of(MessageType.QueryAwareness));
    await waitFor(() => bare.received.some((f) => f[0] === MessageType.Awareness), { what: 'the answer after the forged update' });

    ada.text.insert(ada.text.length, 'Mind the edge cases.\n');
    await waitFor(() => cleo.text.toString().includes('Mind the edge cases.'), { what: 'the candidate to see the later edit' });

    await first.stop();
    const second = await server(dataDir);
    const fresh = stock(second.url, room.roomId, room.interviewerToken, 'Fresh', 'statement');
    await fresh.synced();
    expect(fresh.text.toString()).toBe('# Two sum\n\nReturn the indices.\nMind the edge cases.\n');
    // The code channel was not touched by any of it.
    const code = stock(second.url, room.roomId, room.interviewerToken, 'Fresh', 'main');
    await code.synced();
    expect(code.text.toString()).not.toMatch(/HACKED|FORGED|Two sum/);
  });

  it('refuses room events on the statement channel with 4400', async () => {
    const relay = await server();
    const room = await createRoom(relay.url);
    const socket = raw(relay.url, room.roomId, room.interviewerToken, 'Ada', 'statement');
    await socket.opened;
    socket.socket.send(encodeRoomEvent({ type: 'stop-execution', payload: { runId: 'run-1' } }));
    const closed = await socket.closed;
    expect(closed.code).toBe(CloseCode.BadMessage);
    expect(closed.reason).toMatch(/main channel only/);
  });

  it('wire capture: not one byte of the notes reaches the candidate’s sockets while interviewers write them', async () => {
    const relay = await server();
    const room = await createRoom(relay.url);
    const captureMain = raw(relay.url, room.roomId, room.candidateToken, 'Cleo');
    const captureStatement = raw(relay.url, room.roomId, room.candidateToken, 'Cleo', 'statement');
    await Promise.all([captureMain.opened, captureStatement.opened]);

    const ada = stock(relay.url, room.roomId, room.interviewerToken, 'Ada', 'notes');
    const bo = stock(relay.url, room.roomId, room.interviewerToken, 'Bo', 'notes');
    await Promise.all([ada.synced(), bo.synced()]);
    const secret = 'CONFIDENTIAL-NOTE: weak on complexity, leaning no-hire';
    ada.provider.awareness.setLocalStateField('user', { name: 'Ada taking notes' });
    for (const word of secret.split(' ')) ada.text.insert(ada.text.length, `${word} `);
    await waitFor(() => bo.text.toString() === `${secret.split(' ').join(' ')} `, { what: 'the other interviewer to get the notes' });

    // A marker on each captured channel, sent after the notes: once it arrives, anything relayed earlier would have too.
    const adaMain = stock(relay.url, room.roomId, room.interviewerToken, 'Ada', 'main');
    const adaStatement = stock(relay.url, room.roomId, room.interviewerToken, 'Ada', 'statement');
    await Promise.all([adaMain.synced(), adaStatement.synced()]);
    adaMain.text.insert(0, 'MARKER-MAIN');
    adaStatement.text.insert(0, 'MARKER-STATEMENT');
    await waitFor(() => allBytes(captureMain.received).includes('MARKER-MAIN'), { what: 'the marker on main' });
    await waitFor(() => allBytes(captureStatement.received).includes('MARKER-STATEMENT'), { what: 'the marker on statement' });

    for (const capture of [captureMain, captureStatement]) {
      const bytes = allBytes(capture.received);
      expect(bytes.length).toBeGreaterThan(0);
      for (const needle of ['CONFIDENTIAL', 'no-hire', 'complexity', 'Ada taking notes']) {
        expect(bytes.includes(needle)).toBe(false);
        expect(bytes.includes(Buffer.from(needle, 'utf16le'))).toBe(false);
      }
    }
  });
});
