import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { decodeRoomEvent, encodeRoomEvent, MessageType, type RoomEvent } from '@interview/protocol';
import { describe, expect, it, vi } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import { RoomEventChannel, type RoomEventHost } from './room-events.js';

function fakeHost(connected = true) {
  const sent: Uint8Array[] = [];
  const socket = { readyState: connected ? 1 : 3, send: (data: Uint8Array) => sent.push(data) };
  const host = { messageHandlers: [], ws: socket, wsconnected: connected } as unknown as RoomEventHost;
  /** Feeds a frame the way the provider's readMessage does: type read, handler gets the rest. */
  const deliver = (frame: Uint8Array) => {
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    host.messageHandlers[type]?.(encoding.createEncoder(), decoder, null as unknown as WebsocketProvider, true, type);
  };
  return { host, sent, deliver };
}

const run: RoomEvent = {
  type: 'execute-code',
  payload: { runId: 'run-1', language: 'python', code: 'print(1)' },
};

describe('RoomEventChannel', () => {
  it('registers a handler for MessageType.RoomEvent and delivers decoded events', () => {
    const { host, deliver } = fakeHost();
    const channel = new RoomEventChannel(host);
    const heard: RoomEvent[] = [];
    channel.subscribe((event) => heard.push(event));
    expect(typeof host.messageHandlers[MessageType.RoomEvent]).toBe('function');
    deliver(encodeRoomEvent(run));
    expect(heard).toEqual([run]);
  });

  it('filters by type with on()', () => {
    const { host, deliver } = fakeHost();
    const channel = new RoomEventChannel(host);
    const outputs: string[] = [];
    channel.on('execution-output', (event) => outputs.push(event.payload.text));
    deliver(encodeRoomEvent(run));
    deliver(encodeRoomEvent({ type: 'execution-output', payload: { runId: 'run-1', stream: 'stdout', text: 'hi' } }));
    expect(outputs).toEqual(['hi']);
  });

  it('drops malformed frames without calling listeners', () => {
    const { host, deliver } = fakeHost();
    const channel = new RoomEventChannel(host);
    const listener = vi.fn();
    channel.subscribe(listener);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.RoomEvent);
    encoding.writeVarString(encoder, '{"type":"nope","payload":{}}');
    deliver(encoding.toUint8Array(encoder));
    expect(listener).not.toHaveBeenCalled();
    expect(errors).toHaveBeenCalledOnce();
    errors.mockRestore();
  });

  it('keeps delivering to other listeners when one throws', () => {
    const { host, deliver } = fakeHost();
    const channel = new RoomEventChannel(host);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const second = vi.fn();
    channel.subscribe(() => {
      throw new Error('listener bug');
    });
    channel.subscribe(second);
    deliver(encodeRoomEvent(run));
    expect(second).toHaveBeenCalledOnce();
    errors.mockRestore();
  });

  it('sends encoded frames only while connected', () => {
    const online = fakeHost(true);
    expect(new RoomEventChannel(online.host).send(run)).toBe(true);
    const frame = online.sent[0];
    expect(frame && decodeRoomEvent(frame)).toEqual({ ok: true, value: run });

    const offline = fakeHost(false);
    expect(new RoomEventChannel(offline.host).send(run)).toBe(false);
    expect(offline.sent).toHaveLength(0);
  });

  it('refuses to send an invalid event', () => {
    const { host } = fakeHost();
    const bad = { type: 'stop-execution', payload: { runId: 'has spaces' } } as RoomEvent;
    expect(() => new RoomEventChannel(host).send(bad)).toThrow(RangeError);
  });

  it('unsubscribes and unregisters', () => {
    const { host, deliver } = fakeHost();
    const channel = new RoomEventChannel(host);
    const listener = vi.fn();
    const unsubscribe = channel.subscribe(listener);
    unsubscribe();
    deliver(encodeRoomEvent(run));
    expect(listener).not.toHaveBeenCalled();
    channel.destroy();
    expect(host.messageHandlers[MessageType.RoomEvent]).toBeUndefined();
  });
});
