import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '@interview/protocol';
import type { RoomRecord } from '../storage/room-store.js';

/** 128 random bits: unguessable and URL-safe (22 characters). */
export function newRoomId(): string {
  return randomBytes(16).toString('base64url');
}

/** 192 random bits (32 characters). */
export function newInterviewerToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The candidate token is derived from the interviewer token, so the server
 * can hand an interviewer the candidate link again without storing either
 * secret, and the candidate token reveals nothing about the interviewer's.
 */
export function candidateTokenFor(interviewerToken: string): string {
  return createHmac('sha256', interviewerToken).update('candidate').digest().subarray(0, 24).toString('base64url');
}

export function hashToken(token: string): Uint8Array {
  return createHash('sha256').update(token).digest();
}

function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The role a token grants in a room, compared in constant time; null if none. */
export function roleForToken(room: RoomRecord, token: string): Role | null {
  const digest = hashToken(token);
  // Both comparisons always run so timing does not tell which role matched.
  const interviewer = sameDigest(digest, room.interviewerTokenHash);
  const candidate = sameDigest(digest, room.candidateTokenHash);
  if (interviewer) return 'interviewer';
  if (candidate) return 'candidate';
  return null;
}
