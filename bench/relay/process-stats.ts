/**
 * Memory and CPU time of the server processes, read from /proc (Linux only):
 * the servers run as child processes precisely so that these are theirs alone.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident set size in KiB (VmRSS of /proc/<pid>/status). */
export function residentKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status (has the process exited?)`);
  return Number(match[1]);
}

let ticksPerSecond: number | null = null;

/** USER_HZ, the unit of /proc/<pid>/stat times; 100 on every common Linux, but asked rather than assumed. */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU time (user + system, all threads) the process has used so far, in ms. */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the man page (utime, stime) are at 11 and 12 once the first two are cut.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond();
}

/** Server CPU over a span of wall time, as a percentage of one core, summed over the target's processes. */
export class ServerCpuMeter {
  private readonly startCpu: number;
  private readonly startWall = performance.now();

  constructor(private readonly pids: readonly number[]) {
    this.startCpu = sum(pids.map(cpuTimeMs));
  }

  stop(): number {
    const cpuMs = sum(this.pids.map(cpuTimeMs)) - this.startCpu;
    const wallMs = performance.now() - this.startWall;
    return wallMs > 0 ? (100 * cpuMs) / wallMs : 0;
  }
}

export const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
