import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  /** Resident set size now, in MiB. */
  rssMiB: number;
  /** The highest resident set size since the process started (VmHWM), in MiB. */
  peakMiB: number;
}

function field(status: string, name: string, pid: number): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`no ${name} in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/**
 * The memory of a process as Linux counts it. The peak comes from the
 * kernel's high-water mark, so a spike between two readings is not missed.
 */
export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssMiB: field(status, 'VmRSS', pid), peakMiB: field(status, 'VmHWM', pid) };
}
