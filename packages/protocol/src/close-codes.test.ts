import { describe, expect, it } from 'vitest';
import { CloseCode, isPermanentCloseCode } from './close-codes.js';

describe('isPermanentCloseCode', () => {
  it('stops after every refusal and after an oversized frame, which reconnecting would send again', () => {
    for (const code of [CloseCode.BadMessage, CloseCode.RoomFull, CloseCode.DocumentTooLarge, CloseCode.TooManyMessages, 4499]) {
      expect(isPermanentCloseCode(code)).toBe(true);
    }
    expect(isPermanentCloseCode(CloseCode.SocketMessageTooBig)).toBe(true);
  });

  it('reconnects after a restart, a storage failure, a dropped network and the 45xx "try later" range', () => {
    for (const code of [CloseCode.ServiceRestart, CloseCode.StorageFailure, 1000, 1001, 1006, 4500, 4399]) {
      expect(isPermanentCloseCode(code)).toBe(false);
    }
  });
});
