import { describe, expect, it } from 'vitest';
import type { RoomStatus } from '@interview/protocol';
import { CANDIDATE_ENDED_MESSAGE, endedNotice, isLockedOut, OPEN_STATUS, readRoomStatus, RoomStatusTracker } from './room-status.js';

const ended: RoomStatus = { ended: true, endedAt: '2026-03-01T10:03:12.000Z', endedBy: 'Grace' };

describe('readRoomStatus', () => {
  it('keeps a well-formed status', () => {
    expect(readRoomStatus(ended)).toEqual(ended);
    expect(readRoomStatus({ ended: false, endedAt: null, endedBy: null })).toEqual(OPEN_STATUS);
  });

  it('reads a missing or malformed status as open, and drops malformed details of an ended one', () => {
    expect(readRoomStatus(undefined)).toEqual(OPEN_STATUS);
    expect(readRoomStatus({ ended: 'yes' })).toEqual(OPEN_STATUS);
    expect(readRoomStatus({ ended: true, endedAt: 'not a date', endedBy: 7 })).toEqual({ ended: true, endedAt: null, endedBy: null });
  });
});

describe('RoomStatusTracker', () => {
  it('starts from the room info and follows events', () => {
    const tracker = new RoomStatusTracker(OPEN_STATUS);
    expect(tracker.heard(ended)).toBe(true);
    expect(tracker.status).toEqual(ended);
    expect(tracker.heard({ ...ended })).toBe(false);
    expect(tracker.heard(OPEN_STATUS)).toBe(true);
    expect(tracker.status.ended).toBe(false);
  });

  it('applies an HTTP answer when no event came in while it was on its way', () => {
    const tracker = new RoomStatusTracker(ended);
    const ticket = tracker.asking();
    expect(tracker.answered(ticket, OPEN_STATUS)).toBe(true);
    expect(tracker.status.ended).toBe(false);
  });

  it('ignores a slow HTTP answer once an event has spoken since the request left', () => {
    const tracker = new RoomStatusTracker(OPEN_STATUS);
    const ticket = tracker.asking();
    tracker.heard(ended); // reopened elsewhere... then ended again, live
    expect(tracker.answered(ticket, OPEN_STATUS)).toBe(false);
    expect(tracker.status).toEqual(ended);
    // A request that leaves after the event is fresh again.
    expect(tracker.answered(tracker.asking(), OPEN_STATUS)).toBe(true);
  });
});

describe('what an ended room means', () => {
  it('locks out candidates only', () => {
    expect(isLockedOut(ended, 'candidate')).toBe(true);
    expect(isLockedOut(ended, 'interviewer')).toBe(false);
    expect(isLockedOut(OPEN_STATUS, 'candidate')).toBe(false);
  });

  it('tells the candidate plainly, and the interviewer who ended it and when', () => {
    const clock = (iso: string) => `<${iso.slice(11, 19)}>`;
    expect(endedNotice(OPEN_STATUS, 'candidate', clock)).toBeNull();
    expect(endedNotice(ended, 'candidate', clock)).toBe(CANDIDATE_ENDED_MESSAGE);
    expect(CANDIDATE_ENDED_MESSAGE).toBe('The interviewer has ended this interview. The code is now read-only.');
    expect(endedNotice(ended, 'interviewer', clock)).toBe('Interview ended by Grace at <10:03:12>. The candidate can no longer edit or run the code.');
    expect(endedNotice({ ended: true, endedAt: null, endedBy: null }, 'interviewer', clock)).toMatch(/^Interview ended\. /);
  });
});
