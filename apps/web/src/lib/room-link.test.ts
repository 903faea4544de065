import { describe, expect, it } from 'vitest';
import { inAppHref, isSameOrigin, tokenFromHash } from './room-link.js';

describe('tokenFromHash', () => {
  it('reads the token with or without the leading #', () => {
    expect(tokenFromHash('#token=s3cr%2Bt')).toBe('s3cr+t');
    expect(tokenFromHash('token=abc')).toBe('abc');
  });

  it('is null when there is no token', () => {
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
    expect(tokenFromHash('#other=1')).toBeNull();
  });
});

describe('inAppHref', () => {
  it('keeps path and fragment, drops the origin', () => {
    expect(inAppHref('https://interview.example.com/r/abc#token=xyz')).toBe('/r/abc#token=xyz');
  });
});

describe('isSameOrigin', () => {
  it('compares origins and tolerates garbage', () => {
    expect(isSameOrigin('http://127.0.0.1:3000/r/a#token=1', 'http://127.0.0.1:3000')).toBe(true);
    expect(isSameOrigin('https://other.example/r/a', 'http://127.0.0.1:3000')).toBe(false);
    expect(isSameOrigin('not a url', 'http://127.0.0.1:3000')).toBe(false);
  });
});
