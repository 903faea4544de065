/**
 * Cursor colours. Each is dark enough for white label text (WCAG AA) and
 * bright enough to stand out on both themes; `colorLight` tints selections.
 */
export interface CursorColor {
  color: string;
  colorLight: string;
}

const HUES = [
  '#2563eb', // blue
  '#e11d48', // rose
  '#15803d', // green
  '#9333ea', // purple
  '#c2410c', // orange
  '#0e7490', // cyan
  '#be185d', // pink
  '#4f46e5', // indigo
  '#b45309', // amber
  '#0f766e', // teal
] as const;

export const CURSOR_PALETTE: readonly CursorColor[] = HUES.map((color) => ({ color, colorLight: `${color}33` }));

export function cursorColor(index: number): CursorColor {
  // The modulo keeps any index in range, so the lookup always succeeds.
  return CURSOR_PALETTE[((index % CURSOR_PALETTE.length) + CURSOR_PALETTE.length) % CURSOR_PALETTE.length]!;
}

/** Palette index of a colour another client published, or null for foreign colours. */
export function paletteIndexOf(color: unknown): number | null {
  const index = CURSOR_PALETTE.findIndex((entry) => entry.color === color);
  return index === -1 ? null : index;
}

/**
 * Picks this client's colour so that people in a room look different. The
 * client with the lower id keeps a contested colour and the other moves, so
 * two clients applying the same rule never keep swapping.
 *
 * @param others palette index used by each other client, by client id
 */
export function chooseColorIndex(selfId: number, current: number | null, others: ReadonlyMap<number, number>): number {
  const size = CURSOR_PALETTE.length;
  const preferred = selfId % size;
  const contested = (index: number) => [...others].some(([id, used]) => used === index && id < selfId);
  if (current !== null && !contested(current)) return current;
  const used = new Set(others.values());
  for (let step = 0; step < size; step++) {
    const candidate = (preferred + step) % size;
    if (!used.has(candidate)) return candidate;
  }
  // More people than colours: share, but stay stable.
  return current ?? preferred;
}
