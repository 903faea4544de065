import WebSocket from 'ws';
import { encodeSyncStep1, MessageType, SyncMessageType } from '@interview/protocol';
import { caseName, type ConnectionPlan, type ConnectionPlanner } from './connection-plans.js';
import { targetName, type FuzzTarget } from './fuzz-targets.js';

/** The tokens of a room the fuzzer attacks. */
export interface FuzzRoomAccess {
  roomId: string;
  interviewerToken: string;
  candidateToken: string;
}

export interface DriverOptions {
  baseUrl: string;
  rooms: Record<FuzzTarget['room'], FuzzRoomAccess>;
  planner: ConnectionPlanner;
  /** Sockets open at once. */
  concurrency: number;
  /** Longest wait for a socket's outcome: past it the relay is taken to have hung. */
  outcomeTimeoutMs: number;
}

/** A socket whose fate was not the one predicted. */
export interface Mismatch {
  kind: 'refused-unexpectedly' | 'kept-unexpectedly' | 'wrong-close-code' | 'no-outcome';
  target: string;
  expected: string;
  actual: string;
  /** The socket's frames, in order, as category/variant and hex (cut after 200 bytes). */
  frames: Array<{ case: string; hex: string }>;
}

export interface FuzzReport {
  framesSent: number;
  bytesSent: number;
  sockets: number;
  /** How the relay closed the sockets, by close code (1000: closed by the fuzzer after its probe was answered). */
  closeCodes: Record<string, number>;
  /** Sockets refused during the upgrade, by close code. */
  upgradeRefusals: Record<string, number>;
  /** Frames sent per category/variant. */
  casesSent: Record<string, number>;
  /** Frames sent per target. */
  targetsSent: Record<string, number>;
  mismatchCount: number;
  /** The first mismatches, to print. */
  mismatches: Mismatch[];
  elapsedMs: number;
}

/** Sync step 1 with an empty state vector: the relay answers it with step 2, which proves it read every frame before. */
const PROBE = encodeSyncStep1(Uint8Array.of(0));

function isSyncStep2(data: Buffer): boolean {
  return data[0] === MessageType.Sync && data[1] === SyncMessageType.Step2;
}

function socketUrl(options: DriverOptions, target: FuzzTarget, index: number): string {
  const room = options.rooms[target.room];
  const token = target.role === 'interviewer' ? room.interviewerToken : room.candidateToken;
  const path = target.channel === 'main' ? room.roomId : `${room.roomId}/${target.channel}`;
  return `${options.baseUrl.replace(/^http/, 'ws')}/ws/${path}?${new URLSearchParams({ token, name: `fuzz-${index}` })}`;
}

function hexOf(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return bytes.subarray(0, 200).toString('hex') + (bytes.length > 200 ? `…(${bytes.length} bytes)` : '');
}

type Outcome = { kind: 'closed'; code: number; reason: string } | { kind: 'answered' } | { kind: 'timeout' };

/**
 * Opens a socket, sends its planned frames and a probe, and resolves with
 * what the relay did: closed the socket (with a code) or answered the probe.
 */
function runSocket(url: string, plan: ConnectionPlan, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const expectedAnswers = plan.frames.filter((f) => f.prediction.outcome === 'kept' && f.prediction.answered).length + 1;
    let answers = 0;
    let outcome: Outcome | null = null;
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    function finish(result: Outcome): void {
      if (outcome) return;
      outcome = result;
      clearTimeout(timer);
      if (result.kind === 'closed') resolve(result);
      else {
        // Our own close; resolved once it is through, so sockets never pile up.
        socket.once('close', () => resolve(result));
        socket.terminate();
      }
    }
    // Write errors (the relay resets a socket mid-frame) end in 'close' too.
    socket.on('error', () => {});
    socket.on('close', (code, reason) => finish({ kind: 'closed', code, reason: reason.toString() }));
    socket.on('message', (data: Buffer) => {
      if (isSyncStep2(data) && ++answers >= expectedAnswers) finish({ kind: 'answered' });
    });
    socket.on('open', () => {
      if (plan.refusedAtUpgrade) return;
      for (const { frame } of plan.frames) socket.send(frame.data, { binary: typeof frame.data !== 'string' });
      socket.send(PROBE);
    });
  });
}

function expectation(plan: ConnectionPlan): { refused: boolean; codes: readonly number[]; text: string } {
  if (plan.refusedAtUpgrade) return { refused: true, codes: [4403], text: 'refused during the upgrade (4403)' };
  const last = plan.frames.at(-1)?.prediction;
  if (last?.outcome === 'refused') return { refused: true, codes: last.codes, text: `refused (${last.codes.join(' or ')}): ${last.reason}` };
  return { refused: false, codes: [], text: 'every frame kept' };
}

/** Sends every planned frame over real sockets, `concurrency` at a time, and reports what the relay did. */
export async function runFuzz(options: DriverOptions): Promise<FuzzReport> {
  const report: FuzzReport = {
    framesSent: 0,
    bytesSent: 0,
    sockets: 0,
    closeCodes: {},
    upgradeRefusals: {},
    casesSent: {},
    targetsSent: {},
    mismatchCount: 0,
    mismatches: [],
    elapsedMs: 0,
  };
  const started = performance.now();
  const count = (into: Record<string, number>, key: string | number, n = 1): void => {
    into[key] = (into[key] ?? 0) + n;
  };

  function record(plan: ConnectionPlan, outcome: Outcome): void {
    report.sockets++;
    const expected = expectation(plan);
    if (outcome.kind === 'closed') count(plan.refusedAtUpgrade ? report.upgradeRefusals : report.closeCodes, outcome.code);
    else count(report.closeCodes, 1000);
    let kind: Mismatch['kind'] | null = null;
    if (outcome.kind === 'timeout') kind = 'no-outcome';
    else if (outcome.kind === 'answered' && expected.refused) kind = 'kept-unexpectedly';
    else if (outcome.kind === 'closed' && !expected.refused) kind = 'refused-unexpectedly';
    else if (outcome.kind === 'closed' && !expected.codes.includes(outcome.code)) kind = 'wrong-close-code';
    if (!kind) return;
    report.mismatchCount++;
    if (report.mismatches.length >= 20) return;
    report.mismatches.push({
      kind,
      target: targetName(plan.target),
      expected: expected.text,
      actual: outcome.kind === 'closed' ? `closed ${outcome.code} "${outcome.reason}"` : outcome.kind,
      frames: plan.frames.map(({ frame }) => ({ case: caseName(frame), hex: hexOf(frame.data) })),
    });
  }

  async function worker(): Promise<void> {
    for (let plan = options.planner.next(); plan; plan = options.planner.next()) {
      for (const { frame } of plan.frames) {
        report.framesSent++;
        report.bytesSent += typeof frame.data === 'string' ? Buffer.byteLength(frame.data) : frame.data.byteLength;
        count(report.casesSent, caseName(frame));
        count(report.targetsSent, targetName(plan.target));
      }
      record(plan, await runSocket(socketUrl(options, plan.target, plan.index), plan, options.outcomeTimeoutMs));
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}
