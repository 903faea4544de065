import type { ClientConfig } from '@interview/protocol';
import type { RoomSession } from '../collab/room-session.svelte.js';
import { RoomRunners } from './room-runners.svelte.js';
import { RunController, type LocalRun } from './run-controller.js';
import { runnerFactories } from './runner-factories.js';

/**
 * Running code in a room: the runners of this browser, the controller that
 * tells the room about local runs, and what the run controls act on.
 */
export class RoomRun {
  readonly runners: RoomRunners;
  readonly #controller: RunController;
  readonly #session: RoomSession;
  readonly #timeLimitSeconds: () => number;
  readonly #unsubscribe: () => void;
  /** The run this browser executes, if any. */
  local: LocalRun | null = $state.raw(null);

  /** @param timeLimitSeconds the room's limit as the settings say at the moment Run is pressed */
  constructor(session: RoomSession, runnerHost: HTMLElement, config: ClientConfig, timeLimitSeconds: () => number) {
    this.#session = session;
    this.#timeLimitSeconds = timeLimitSeconds;
    this.runners = new RoomRunners(runnerFactories(runnerHost, config));
    this.#controller = new RunController(
      session.events,
      (language) => this.runners.get(language),
      (event) => session.applyLocalEvent(event),
      config.maxRunOutputChars,
    );
    this.#unsubscribe = this.#controller.subscribe((run) => {
      this.local = run;
    });
  }

  /** Runs the shared program in this browser with the room's language and time limit. */
  run(): void {
    const session = this.#session;
    void this.#controller.run({
      language: session.language ?? 'python',
      code: session.code.toString(),
      timeLimitSeconds: this.#timeLimitSeconds(),
    });
  }

  /** Stops the room's current run, whoever runs it. */
  stop(): void {
    const current = this.#session.latestRun;
    if (current?.phase === 'running') this.#controller.stop(current.runId);
  }

  answer(text: string): void {
    this.#controller.answer(text);
  }

  /** True when this browser runs the room's latest run and it waits for input. */
  get answering(): boolean {
    return this.local?.awaitingInput != null && this.local.runId === this.#session.latestRun?.runId;
  }

  dispose(): void {
    this.#unsubscribe();
    this.#controller.destroy();
    this.runners.dispose();
  }
}
