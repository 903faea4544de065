import { describe, expect, it } from 'vitest';
import type { CodeRunner, RunHandlers, RunOutcome, RunRequest, RuntimeState } from '@interview/runner-api';
import type { RoomEvent, RoomEventType } from '@interview/protocol';
import { RunController, streamedOutputLimit, type RunEventBus } from './run-controller.js';

/** A runner whose runs the test drives by hand. */
class ScriptedRunner implements CodeRunner {
  readonly language = 'python' as const;
  readonly state: RuntimeState = { phase: 'ready' };
  runs: Array<{ request: RunRequest; handlers: RunHandlers; finish(outcome: Partial<RunOutcome>): void }> = [];
  stops: string[] = [];
  inputs: Array<[string, string]> = [];
  preload(): Promise<void> {
    return Promise.resolve();
  }
  onStateChange(): () => void {
    return () => {};
  }
  run(request: RunRequest, handlers: RunHandlers): Promise<RunOutcome> {
    return new Promise((resolve) => {
      this.runs.push({
        request,
        handlers,
        finish: (outcome) => resolve({ status: 'ok', error: null, errorLine: null, durationMs: 5, ...outcome }),
      });
    });
  }
  provideInput(runId: string, text: string): void {
    this.inputs.push([runId, text]);
  }
  stop(runId: string): void {
    this.stops.push(runId);
  }
  dispose(): void {}
}

class FakeBus implements RunEventBus {
  sent: RoomEvent[] = [];
  listeners = new Map<string, Array<(event: RoomEvent) => void>>();
  send(event: RoomEvent): boolean {
    this.sent.push(event);
    return true;
  }
  on<T extends RoomEventType>(type: T, listener: (event: Extract<RoomEvent, { type: T }>) => void): () => void {
    const list = this.listeners.get(type) ?? [];
    list.push(listener as (event: RoomEvent) => void);
    this.listeners.set(type, list);
    return () => {};
  }
  receive(event: RoomEvent): void {
    for (const listener of this.listeners.get(event.type) ?? []) listener(event);
  }
}

function setup(serverOutputLimit?: number) {
  const bus = new FakeBus();
  const runner = new ScriptedRunner();
  const local: RoomEvent[] = [];
  const controller = new RunController(bus, () => runner, (event) => local.push(event), serverOutputLimit);
  return { bus, runner, local, controller };
}

describe('RunController', () => {
  it('announces the run, streams output, and reports the result to the room and to itself', async () => {
    const { bus, runner, local, controller } = setup();
    const done = controller.run({ language: 'python', code: 'print(1)', timeLimitSeconds: 7 });
    const run = runner.runs[0]!;
    expect(run.request.timeoutMs).toBe(7000);
    expect(run.request.code).toBe('print(1)');
    run.handlers.onOutput('stdout', '1\n');
    run.finish({ status: 'error', error: 'NameError: x', errorLine: 2, durationMs: 12.4 });
    const outcome = await done;
    expect(outcome?.status).toBe('error');

    expect(bus.sent.map((e) => e.type)).toEqual(['execute-code', 'execution-output', 'execution-result']);
    expect(local).toEqual(bus.sent);
    const runId = run.request.runId;
    expect(bus.sent[0]).toEqual({ type: 'execute-code', payload: { runId, language: 'python', code: 'print(1)' } });
    expect(bus.sent[2]).toEqual({
      type: 'execution-result',
      payload: { runId, output: '1\n', error: 'NameError: x', status: 'error', durationMs: 12, errorLine: 2 },
    });
    expect(controller.current).toBeNull();
  });

  it('keeps the streamed output, truncation notice included, within the server’s limit', async () => {
    const limit = 2000;
    const { bus, runner, controller } = setup(limit);
    const done = controller.run({ language: 'python', code: 'while True: print(1)', timeLimitSeconds: 5 });
    const run = runner.runs[0]!;
    for (let i = 0; i < 100; i++) run.handlers.onOutput('stdout', '1\n'.repeat(50));
    run.finish({ status: 'ok', error: null, errorLine: null, durationMs: 1 });
    await done;
    const streamed = bus.sent.flatMap((e) => (e.type === 'execution-output' ? [e.payload.text] : [])).join('');
    expect(streamed.length).toBeLessThanOrEqual(limit);
    expect(streamed).toContain('[output truncated');
    expect(streamedOutputLimit(undefined)).toBe(1024 * 1024);
    expect(streamedOutputLimit(64 * 1024 * 1024)).toBe(1024 * 1024);
  });

  it('refuses a second run while one is going', async () => {
    const { runner, controller } = setup();
    void controller.run({ language: 'python', code: 'a', timeLimitSeconds: 30 });
    expect(await controller.run({ language: 'python', code: 'b', timeLimitSeconds: 30 })).toBeNull();
    expect(runner.runs).toHaveLength(1);
  });

  it('sends the prompt before asking, and the answer to everyone and to the program', async () => {
    const { bus, runner, controller } = setup();
    const states: Array<string | null> = [];
    controller.subscribe((run) => states.push(run?.awaitingInput ?? null));
    const done = controller.run({ language: 'python', code: 'input()', timeLimitSeconds: 30 });
    const run = runner.runs[0]!;
    run.handlers.onOutput('stdout', 'x');
    run.handlers.onOutput('stdout', 'Name? ');
    run.handlers.onInputRequest!('Name? ');
    expect(controller.current?.awaitingInput).toBe('Name? ');
    const types = bus.sent.map((e) => e.type);
    expect(types.lastIndexOf('execution-output')).toBeLessThan(types.indexOf('execution-input-request'));
    expect(bus.sent.filter((e) => e.type === 'execution-output').map((e) => (e.type === 'execution-output' ? e.payload.text : '')).join('')).toBe('xName? ');

    controller.answer('Ada');
    expect(runner.inputs).toEqual([[run.request.runId, 'Ada']]);
    expect(bus.sent.at(-2)).toEqual({ type: 'execution-input', payload: { runId: run.request.runId, text: 'Ada' } });
    expect(bus.sent.at(-1)).toMatchObject({ type: 'execution-output', payload: { text: 'Ada\n' } });
    expect(controller.current?.awaitingInput).toBeNull();
    expect(states).toContain('Name? ');
    run.finish({});
    await done;
  });

  it('obeys a stop from another participant for its own run only', async () => {
    const { bus, runner, controller } = setup();
    const done = controller.run({ language: 'python', code: 'while True: pass', timeLimitSeconds: 30 });
    const runId = runner.runs[0]!.request.runId;
    bus.receive({ type: 'stop-execution', payload: { runId: 'someone-else' } });
    expect(runner.stops).toEqual([]);
    bus.receive({ type: 'stop-execution', payload: { runId } });
    expect(runner.stops).toEqual([runId]);
    runner.runs[0]!.finish({ status: 'stopped', error: 'KeyboardInterrupt' });
    await done;
  });

  it('asks the room to stop a run it does not own', () => {
    const { bus, runner, controller } = setup();
    controller.stop('remote-run');
    expect(bus.sent).toEqual([{ type: 'stop-execution', payload: { runId: 'remote-run' } }]);
    expect(runner.stops).toEqual([]);
  });

  it('turns a runner failure into an error result instead of a stuck run', async () => {
    const { bus, controller } = setup();
    class BrokenRunner extends ScriptedRunner {
      override run(): Promise<RunOutcome> {
        return Promise.reject(new Error('frame gone'));
      }
    }
    const broken = new RunController(bus, () => new BrokenRunner(), () => {});
    const outcome = await broken.run({ language: 'python', code: '', timeLimitSeconds: 30 });
    expect(outcome?.error).toMatch(/frame gone/);
    expect(bus.sent.at(-1)).toMatchObject({ type: 'execution-result', payload: { status: 'error' } });
    expect(controller.current).toBeNull();
  });
});
