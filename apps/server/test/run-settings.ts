/**
 * Settings of a long test run read from the environment, so that one test
 * file has a short CI mode and a longer on-demand one (`pnpm test:fuzz`,
 * `pnpm test:chaos`). A malformed value fails the run rather than silently
 * running another one.
 */

/** An integer setting: `fallback` when unset or empty. */
export function integerSetting(name: string, fallback: number, min: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer of at least ${min}, got "${raw}"`);
  return value;
}

/** The seed of this run: the variable when set (to reproduce a failure), else a fresh one. */
export function seedSetting(name: string, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw !== undefined && raw !== '') {
    const seed = Number(raw);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new RangeError(`${name} must be an integer from 0 to 4294967295, got "${raw}"`);
    return seed;
  }
  return (Math.random() * 0x1_0000_0000) >>> 0;
}
