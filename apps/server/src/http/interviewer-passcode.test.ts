import { describe, expect, it } from 'vitest';
import { passcodeMatches } from './interviewer-passcode.js';

describe('passcodeMatches', () => {
  it('accepts the exact passcode only', () => {
    expect(passcodeMatches('s3cret pass', 's3cret pass')).toBe(true);
    expect(passcodeMatches('s3cret pass', 's3cret pas')).toBe(false);
    expect(passcodeMatches('s3cret pass', 's3cret pass ')).toBe(false);
    expect(passcodeMatches('s3cret pass', 'S3cret pass')).toBe(false);
    expect(passcodeMatches('s3cret pass', '')).toBe(false);
    expect(passcodeMatches('s3cret pass', undefined)).toBe(false);
    expect(passcodeMatches('é', 'é')).toBe(true);
  });
});
