import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api.js';
import { accessAfterFailure, initialAccess, normalizePasscode } from './passcode-flow.js';

describe('passcode flow', () => {
  it('asks up front only when the server needs a passcode the tab does not have', () => {
    expect(initialAccess(true, null)).toEqual({ phase: 'needs-passcode', error: null });
    expect(initialAccess(true, 'kept')).toEqual({ phase: 'ready', error: null });
    expect(initialAccess(false, null)).toEqual({ phase: 'ready', error: null });
  });

  it('asks again after a 401, saying whether the passcode was missing or wrong; other failures are not about it', () => {
    expect(accessAfterFailure(new ApiRequestError(401, 'this server requires the interviewer passcode', 'x'))).toEqual({
      phase: 'needs-passcode',
      error: 'This server needs the interviewer passcode.',
    });
    expect(accessAfterFailure(new ApiRequestError(401, 'the interviewer passcode is wrong', 'x'))?.error).toMatch(/not right/);
    expect(accessAfterFailure(new ApiRequestError(400, 'bad', 'x'))).toBeNull();
    expect(accessAfterFailure(new Error('boom'))).toBeNull();
  });

  it('trims a typed passcode and refuses an empty one', () => {
    expect(normalizePasscode('  secret ')).toBe('secret');
    expect(normalizePasscode('   ')).toBeNull();
  });
});
