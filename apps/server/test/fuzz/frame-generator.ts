import type { CategorySpec, FuzzFrame, GeneratorContext, MakeContext } from './frame-kit.js';
import type { FuzzTarget } from './fuzz-targets.js';
import { MALFORMED_CATEGORIES } from './malformed-categories.js';
import type { Prng } from './prng.js';
import { WELL_FORMED_CATEGORIES } from './well-formed-categories.js';
import { UpdatePool } from './yjs-updates.js';

export { GARBAGE_MARKER, type FuzzFrame, type GeneratorContext } from './frame-kit.js';

/**
 * Generates fuzz frames by category and variant: valid frames of every
 * message type and event type, then every way of breaking them. A frame is
 * generated for the socket that sends it (its role, room and channel),
 * from a seeded generator, so a run is reproduced by its seed.
 */

const CATEGORIES = { ...WELL_FORMED_CATEGORIES, ...MALFORMED_CATEGORIES };

export type FrameCategory = keyof typeof CATEGORIES;
export const FRAME_CATEGORIES = Object.keys(CATEGORIES) as FrameCategory[];

/** How often each category is picked after the coverage pass: cheap, common breakage most; huge frames rarely. */
export const CATEGORY_WEIGHTS: Readonly<Record<FrameCategory, number>> = {
  'valid-sync-step1': 3,
  'valid-sync-step2': 3,
  'valid-update': 3,
  'valid-awareness': 6,
  'valid-query-awareness': 3,
  'valid-room-event': 8,
  truncated: 8,
  'wrong-length': 6,
  'huge-varint': 6,
  'bad-utf8': 5,
  'deep-json': 0.25,
  'unknown-message-type': 4,
  'unknown-event-type': 6,
  oversized: 0.15,
  'random-bytes': 6,
  'bit-flip': 10,
  'corrupted-yjs-update': 10,
  'forbidden-write': 5,
  'spoofed-presence': 2,
  'text-frame': 1,
  'empty-frame': 1,
};

function spec(category: FrameCategory): CategorySpec {
  return CATEGORIES[category] as CategorySpec;
}

export function categoryVariants(category: FrameCategory): string[] {
  return Object.keys(spec(category).variants);
}

/** Whether frames of this category are meant for this target. */
export function categoryFits(category: FrameCategory, target: FuzzTarget): boolean {
  return spec(category).only?.(target) ?? true;
}

/** Every (category, variant) pair, for the coverage pass and its check. */
export function allCases(): Array<{ category: FrameCategory; variant: string }> {
  return FRAME_CATEGORIES.flatMap((category) => categoryVariants(category).map((variant) => ({ category, variant })));
}

export class FrameGenerator {
  private readonly context: MakeContext;

  constructor(
    private readonly rng: Prng,
    context: GeneratorContext,
  ) {
    const pool = new UpdatePool(rng);
    this.context = { ...context, validUpdate: (r, kind) => pool.pick(r, kind) };
  }

  generate(category: FrameCategory, variant: string, target: FuzzTarget): FuzzFrame {
    const make = spec(category).variants[variant];
    if (!make) throw new RangeError(`no variant "${variant}" in category ${category}`);
    return { category, variant, data: make(this.rng, target, this.context) };
  }

  /** A category picked by weight among those that fit the target, and one of its variants. */
  randomCase(target: FuzzTarget, rng: Prng = this.rng): { category: FrameCategory; variant: string } {
    for (;;) {
      const category = rng.weighted(CATEGORY_WEIGHTS);
      if (categoryFits(category, target)) return { category, variant: rng.pick(categoryVariants(category)) };
    }
  }
}

