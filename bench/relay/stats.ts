/**
 * Percentiles and rates for the relay benchmark. Pure functions over numbers,
 * so they can be checked without a server.
 */

/**
 * Latency samples in a growable Float64Array: a run at 500 rooms collects
 * hundreds of thousands of them, and a plain array of numbers would cost the
 * load generator more memory and GC time than the figures are worth.
 */
export class SampleBuffer {
  private data = new Float64Array(1024);
  private length = 0;

  get count(): number {
    return this.length;
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** A sorted copy, ascending. */
  sorted(): Float64Array {
    // Float64Array#sort compares numerically, unlike Array#sort.
    return this.data.slice(0, this.length).sort();
  }
}

/**
 * Nearest-rank percentile of ascending samples: the smallest sample such that
 * at least p % of the samples are at or below it. No interpolation, so every
 * figure printed is a latency that was really observed.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** p50/p95/p99/max of the samples, or null when there are none. */
export function summarize(samples: SampleBuffer | ArrayLike<number>): LatencySummary | null {
  const sorted = samples instanceof SampleBuffer ? samples.sorted() : Float64Array.from(samples).sort();
  if (sorted.length === 0) return null;
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
  };
}

/** The middle sample (mean of the two middle ones for an even count). */
export function median(samples: ArrayLike<number>): number {
  if (samples.length === 0) throw new RangeError('median of no samples');
  const sorted = Float64Array.from(samples).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Events per second over a span in milliseconds. */
export function perSecond(events: number, spanMs: number): number {
  if (!(spanMs > 0)) throw new RangeError(`span must be positive, got ${spanMs} ms`);
  return (events * 1000) / spanMs;
}

/**
 * This process's CPU time (all threads, user + system) over a span of wall
 * time, as a percentage of one core: the load generator's own cost, printed
 * beside each figure so a reader can see when the clients were the limit.
 */
export class CpuMeter {
  private readonly startCpu = process.cpuUsage();
  private readonly startWall = performance.now();

  stop(): { cpuMs: number; wallMs: number; percentOfCore: number } {
    const used = process.cpuUsage(this.startCpu);
    const wallMs = performance.now() - this.startWall;
    const cpuMs = (used.user + used.system) / 1000;
    return { cpuMs, wallMs, percentOfCore: wallMs > 0 ? (100 * cpuMs) / wallMs : 0 };
  }
}
