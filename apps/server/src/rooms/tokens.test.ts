import { describe, expect, it } from 'vitest';
import { ROOM_ID_PATTERN } from '@interview/protocol';
import type { RoomRecord } from '../storage/room-store.js';
import { candidateTokenFor, hashToken, newInterviewerToken, newRoomId, roleForToken } from './tokens.js';

const URL_SAFE = /^[A-Za-z0-9_-]+$/;

function roomFor(interviewerToken: string, overrides: Partial<RoomRecord> = {}): RoomRecord {
  return {
    id: newRoomId(),
    title: 'Tokens',
    language: 'python',
    interviewerTokenHash: hashToken(interviewerToken),
    candidateTokenHash: hashToken(candidateTokenFor(interviewerToken)),
    createdAt: new Date(),
    ended: null,
    ...overrides,
  };
}

describe('room ids and tokens', () => {
  it('room ids are URL-safe, at least 20 characters and match the protocol pattern', () => {
    for (let i = 0; i < 200; i++) {
      const id = newRoomId();
      expect(id).toMatch(URL_SAFE);
      expect(id.length).toBeGreaterThanOrEqual(20);
      expect(id).toMatch(ROOM_ID_PATTERN);
      expect(encodeURIComponent(id)).toBe(id);
    }
  });

  it('interviewer tokens are URL-safe and 32 characters (192 bits)', () => {
    for (let i = 0; i < 200; i++) {
      const token = newInterviewerToken();
      expect(token).toMatch(URL_SAFE);
      expect(token).toHaveLength(32);
    }
  });

  it('ids and tokens do not repeat across many draws', () => {
    const draws = 20_000;
    expect(new Set(Array.from({ length: draws }, newRoomId)).size).toBe(draws);
    expect(new Set(Array.from({ length: draws }, newInterviewerToken)).size).toBe(draws);
  });

  it('ids use the whole alphabet, not a few characters of it', () => {
    const seen = new Set(Array.from({ length: 500 }, newRoomId).join(''));
    expect(seen.size).toBeGreaterThan(60);
  });
});

describe('candidateTokenFor', () => {
  it('derives the same candidate token from the same interviewer token', () => {
    const interviewer = newInterviewerToken();
    expect(candidateTokenFor(interviewer)).toBe(candidateTokenFor(interviewer));
  });

  it('gives a URL-safe 32-character token that differs from the interviewer token', () => {
    const interviewer = newInterviewerToken();
    const candidate = candidateTokenFor(interviewer);
    expect(candidate).not.toBe(interviewer);
    expect(candidate).toMatch(URL_SAFE);
    expect(candidate).toHaveLength(32);
  });

  it('gives different candidate tokens for different interviewer tokens', () => {
    const candidates = new Set(Array.from({ length: 2000 }, () => candidateTokenFor(newInterviewerToken())));
    expect(candidates.size).toBe(2000);
    expect(candidateTokenFor('a')).not.toBe(candidateTokenFor('b'));
  });

  it('is fixed for a given input, so links handed out earlier keep working after a restart', () => {
    // HMAC-SHA256(key = "interviewer", "candidate"), first 24 bytes, base64url, computed with openssl:
    // printf candidate | openssl dgst -sha256 -hmac interviewer -binary | head -c 24 | base64 (then URL-safe).
    expect(candidateTokenFor('interviewer')).toBe('nruAHkd1w-ok_6PxgESfX1ODJVkz9hiE');
    expect(candidateTokenFor('interviewer ')).not.toBe('nruAHkd1w-ok_6PxgESfX1ODJVkz9hiE');
  });
});

describe('hashToken', () => {
  it('is a 32-byte SHA-256 digest, deterministic and distinct per token', () => {
    const a = hashToken('token-a');
    expect(a).toHaveLength(32);
    expect(Array.from(hashToken('token-a'))).toEqual(Array.from(a));
    expect(Array.from(hashToken('token-b'))).not.toEqual(Array.from(a));
    // The known SHA-256 of the empty string.
    expect(Buffer.from(hashToken('')).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('roleForToken', () => {
  const interviewer = newInterviewerToken();
  const candidate = candidateTokenFor(interviewer);
  const room = roomFor(interviewer);

  it('gives interviewer for the interviewer token and candidate for the candidate token', () => {
    expect(roleForToken(room, interviewer)).toBe('interviewer');
    expect(roleForToken(room, candidate)).toBe('candidate');
  });

  it('gives null for any other token', () => {
    expect(roleForToken(room, newInterviewerToken())).toBeNull();
    expect(roleForToken(room, '')).toBeNull();
    expect(roleForToken(room, interviewer.slice(0, -1))).toBeNull();
    expect(roleForToken(room, `${interviewer}x`)).toBeNull();
    expect(roleForToken(room, interviewer.toUpperCase())).toBeNull();
    // A candidate token of another room does not open this one.
    expect(roleForToken(room, candidateTokenFor(newInterviewerToken()))).toBeNull();
  });

  it("does not accept a token's digest in place of the token", () => {
    expect(roleForToken(room, Buffer.from(hashToken(interviewer)).toString('hex'))).toBeNull();
  });

  it('works with digests read back from storage as Buffers', () => {
    const stored = roomFor(interviewer, {
      interviewerTokenHash: Buffer.from(hashToken(interviewer)),
      candidateTokenHash: Buffer.from(hashToken(candidate)),
    });
    expect(roleForToken(stored, interviewer)).toBe('interviewer');
    expect(roleForToken(stored, candidate)).toBe('candidate');
  });

  it('gives null instead of throwing when a stored digest has the wrong length', () => {
    const damaged = roomFor(interviewer, { candidateTokenHash: new Uint8Array(3) });
    expect(roleForToken(damaged, candidate)).toBeNull();
    expect(roleForToken(damaged, interviewer)).toBe('interviewer');
  });
});
