import { EventLimits } from '@interview/protocol';
import { describe, expect, it } from 'vitest';
import { normalizeName } from './storage.js';

describe('normalizeName', () => {
  it('trims and collapses whitespace', () => {
    expect(normalizeName('  Ada   Lovelace \n')).toBe('Ada Lovelace');
  });

  it('is null for blank names', () => {
    expect(normalizeName('   ')).toBeNull();
  });

  it('bounds the length to what room events accept', () => {
    expect(normalizeName('x'.repeat(500))).toHaveLength(EventLimits.nameLength);
  });
});
