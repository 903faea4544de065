import { describe, expect, it } from 'vitest';
import { chooseColorIndex, CURSOR_PALETTE, cursorColor, paletteIndexOf } from './colors.js';

describe('cursor colours', () => {
  it('derives colorLight from color', () => {
    for (const entry of CURSOR_PALETTE) expect(entry.colorLight).toBe(`${entry.color}33`);
  });

  it('maps any index into the palette', () => {
    expect(cursorColor(CURSOR_PALETTE.length)).toBe(CURSOR_PALETTE[0]);
    expect(cursorColor(-1)).toBe(CURSOR_PALETTE.at(-1));
  });

  it('recognises only palette colours', () => {
    expect(paletteIndexOf(CURSOR_PALETTE[3]?.color)).toBe(3);
    expect(paletteIndexOf('#123456')).toBeNull();
    expect(paletteIndexOf(undefined)).toBeNull();
  });
});

describe('chooseColorIndex', () => {
  const size = CURSOR_PALETTE.length;

  it('starts from the colour the client id suggests', () => {
    expect(chooseColorIndex(size * 7 + 2, null, new Map())).toBe(2);
  });

  it('moves away from a colour a lower client id already uses', () => {
    const others = new Map([[1, 2]]);
    expect(chooseColorIndex(size + 2, 2, others)).toBe(3);
  });

  it('keeps its colour against a higher client id (that one moves)', () => {
    const others = new Map([[size * 5 + 2, 2]]);
    expect(chooseColorIndex(2, 2, others)).toBe(2);
  });

  it('converges: two clients applying the rule end up different', () => {
    const a = 4;
    const b = size + 4;
    let colorA = chooseColorIndex(a, null, new Map());
    let colorB = chooseColorIndex(b, null, new Map());
    expect(colorA).toBe(colorB);
    for (let round = 0; round < 3; round++) {
      colorA = chooseColorIndex(a, colorA, new Map([[b, colorB]]));
      colorB = chooseColorIndex(b, colorB, new Map([[a, colorA]]));
    }
    expect(colorA).not.toBe(colorB);
    expect(colorA).toBe(4);
  });

  it('shares when everyone has a colour already', () => {
    const others = new Map(CURSOR_PALETTE.map((_, index) => [index, index] as [number, number]));
    expect(chooseColorIndex(size * 3 + 1, null, others)).toBe(1);
  });
});
