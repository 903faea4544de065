import { describe, expect, it } from 'vitest';
import { tokenFromHash } from '../room-link.js';
import { reviewLink } from './review-link.js';

describe('reviewLink', () => {
  it('points at the review page with the token in the fragment, readable as room links are', () => {
    const link = reviewLink('abcdefghijklmnopqrstuv', 'to+k/en=');
    const url = new URL(link, 'http://localhost');
    expect(url.pathname).toBe('/r/abcdefghijklmnopqrstuv/review');
    expect(url.search).toBe('');
    expect(tokenFromHash(url.hash)).toBe('to+k/en=');
  });
});
