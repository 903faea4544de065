import { allCases, categoryFits, type FrameCategory, type FrameGenerator, type FuzzFrame } from './frame-generator.js';
import type { FrameOracle, Prediction } from './frame-oracle.js';
import { FUZZ_TARGETS, REFUSED_TARGET, targetName, type FuzzTarget } from './fuzz-targets.js';
import type { Prng } from './prng.js';

/** What one fuzz socket sends: frames the relay should keep, then at most one it should refuse. */
export interface ConnectionPlan {
  index: number;
  target: FuzzTarget;
  /** Refused during the upgrade: no frame is sent. */
  refusedAtUpgrade: boolean;
  frames: Array<{ frame: FuzzFrame; prediction: Prediction }>;
}

/** A frame the fuzzer generated but did not send, with why. */
export interface WithheldFrame {
  case: string;
  target: string;
  outcome: 'changes-document' | 'half-applies' | 'damages-document';
  reason: string;
  hex: string;
}

export interface PlannerOptions {
  rng: Prng;
  generator: FrameGenerator;
  oracle: FrameOracle;
  /** Frames to plan in all. */
  frames: number;
  /** Each (category, variant) is planned this many times before random picks start. */
  coverageRounds: number;
  /** Most frames a socket sends before its probe. */
  maxBatch: number;
  /** One plan in this many opens a socket the relay refuses during the upgrade. */
  refusedEvery: number;
}

export function caseName(frame: Pick<FuzzFrame, 'category' | 'variant'>): string {
  return `${frame.category}/${frame.variant}`;
}

/**
 * Plans sockets one after another from a single seeded generator, so the
 * sequence of plans depends on the seed alone, whichever worker runs which
 * plan. A writer's frame that would change its document (a legitimate
 * edit, by chance) is withheld and replaced: the room's content must stay
 * exactly what its participants wrote. So is one that the relay's document
 * cannot take without harm (known bugs, kept for the report), so that one
 * such frame does not hide what the other frames would do.
 */
export class ConnectionPlanner {
  private planned = 0;
  private plans = 0;
  private readonly coverage: Array<{ category: FrameCategory; variant: string }>;
  readonly withheld: WithheldFrame[] = [];
  readonly withheldCounts = { 'changes-document': 0, 'half-applies': 0, 'damages-document': 0, 'order-dependent': 0 };

  constructor(private readonly options: PlannerOptions) {
    this.coverage = [];
    for (let round = 0; round < options.coverageRounds; round++) this.coverage.push(...allCases());
  }

  get framesPlanned(): number {
    return this.planned;
  }

  /** The next socket's plan, or null once every frame is planned. */
  next(): ConnectionPlan | null {
    const { rng } = this.options;
    if (this.planned >= this.options.frames && this.coverage.length === 0) return null;
    const index = this.plans++;
    if (index % this.options.refusedEvery === this.options.refusedEvery - 1) {
      return { index, target: REFUSED_TARGET, refusedAtUpgrade: true, frames: [] };
    }
    const target = FUZZ_TARGETS[index % FUZZ_TARGETS.length]!;
    const batch = 1 + rng.int(this.options.maxBatch);
    const frames: ConnectionPlan['frames'] = [];
    const presences = new Set<number>();
    while (frames.length < batch && (this.planned < this.options.frames || this.coverage.length > 0)) {
      const planned = this.plan(target, presences);
      frames.push(planned);
      this.planned++;
      if (planned.prediction.outcome === 'refused') break;
    }
    return { index, target, refusedAtUpgrade: false, frames };
  }

  private plan(target: FuzzTarget, presences: Set<number>): { frame: FuzzFrame; prediction: Prediction } {
    const { generator, rng } = this.options;
    let wanted = this.nextCase(target);
    for (let attempt = 1; ; attempt++) {
      const frame = generator.generate(wanted.category, wanted.variant, target);
      const prediction = this.options.oracle.predict(frame, target, presences);
      if (prediction.outcome === 'kept' || prediction.outcome === 'refused') return { frame, prediction };
      this.withheldCounts[prediction.outcome]++;
      // A legitimate edit by chance is not news; an update that breaks the relay's document is a bug to report.
      if (prediction.outcome !== 'changes-document' && prediction.outcome !== 'order-dependent' && this.withheld.length < 20 && typeof frame.data !== 'string') {
        this.withheld.push({ case: caseName(frame), target: targetName(target), outcome: prediction.outcome, reason: prediction.reason, hex: Buffer.from(frame.data).toString('hex') });
      }
      // The same case again (mutations rarely stay valid twice), then another one.
      if (attempt % 8 === 0) wanted = generator.randomCase(target, rng);
    }
  }

  private nextCase(target: FuzzTarget): { category: FrameCategory; variant: string } {
    const fitting = this.coverage.findIndex((c) => categoryFits(c.category, target));
    if (fitting >= 0) return this.coverage.splice(fitting, 1)[0]!;
    return this.options.generator.randomCase(target, this.options.rng);
  }
}
