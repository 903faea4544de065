import { CloseCode } from '@interview/protocol';
import { describe, expect, it } from 'vitest';
import { REFUSAL_REASONS, refusalReason } from './refusal-reasons.js';

describe('refusalReason', () => {
  it('names each refusing close code by its slug', () => {
    expect(refusalReason(CloseCode.BadMessage)).toBe('bad-message');
    expect(refusalReason(CloseCode.Unauthorized)).toBe('unauthorized');
    expect(refusalReason(CloseCode.Forbidden)).toBe('forbidden');
    expect(refusalReason(CloseCode.RoomNotFound)).toBe('room-not-found');
    expect(refusalReason(CloseCode.MessageTooLarge)).toBe('message-too-large');
    expect(refusalReason(CloseCode.RoomFull)).toBe('room-full');
    expect(refusalReason(CloseCode.DocumentTooLarge)).toBe('document-too-large');
    expect(refusalReason(CloseCode.RunOutputTooLarge)).toBe('run-output-too-large');
    expect(refusalReason(CloseCode.TooManyMessages)).toBe('too-many-messages');
  });

  it('gives null for codes that refuse nothing, and for unknown ones', () => {
    expect(refusalReason(CloseCode.StorageFailure)).toBeNull();
    expect(refusalReason(CloseCode.ServiceRestart)).toBeNull();
    expect(refusalReason(1000)).toBeNull();
    expect(refusalReason(4499)).toBeNull();
  });

  it('maps only to known slugs, each slug once', () => {
    const mapped = Array.from({ length: 5000 }, (_, code) => refusalReason(code)).filter((reason) => reason !== null);
    for (const reason of mapped) expect(REFUSAL_REASONS).toContain(reason);
    expect(new Set(mapped).size).toBe(mapped.length);
    expect(new Set(REFUSAL_REASONS).size).toBe(REFUSAL_REASONS.length);
  });
});
