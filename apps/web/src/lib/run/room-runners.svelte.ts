import type { CodeRunner, RuntimeState } from '@interview/runner-api';
import type { Language } from '@interview/protocol';

export type RunnerFactories = Record<Language, () => CodeRunner>;

/**
 * The room's runners, one per language, created on first use and kept warm
 * for the life of the room; their loading states for the UI.
 */
export class RoomRunners {
  readonly #factories: RunnerFactories;
  readonly #runners = new Map<Language, { runner: CodeRunner; unsubscribe: () => void }>();
  states: Record<Language, RuntimeState> = $state({ python: { phase: 'idle' }, javascript: { phase: 'idle' } });

  constructor(factories: RunnerFactories) {
    this.#factories = factories;
  }

  get(language: Language): CodeRunner {
    const existing = this.#runners.get(language);
    if (existing) return existing.runner;
    const runner = this.#factories[language]();
    const unsubscribe = runner.onStateChange((state) => {
      this.states[language] = state;
    });
    this.states[language] = runner.state;
    this.#runners.set(language, { runner, unsubscribe });
    return runner;
  }

  /** Starts loading a runtime in the background; failures show in its state. */
  preload(language: Language): void {
    this.get(language)
      .preload()
      .catch(() => {});
  }

  dispose(): void {
    for (const { runner, unsubscribe } of this.#runners.values()) {
      unsubscribe();
      runner.dispose();
    }
    this.#runners.clear();
  }
}

/** What the run bar says about a runtime. */
export function describeRuntime(language: Language, state: RuntimeState): string {
  const name = language === 'python' ? 'Python' : 'JavaScript';
  switch (state.phase) {
    case 'idle':
      return `${name} loads on first run`;
    case 'loading':
      return state.totalBytes
        ? `Loading ${name}… ${Math.min(99, Math.floor((state.loadedBytes / state.totalBytes) * 100))}%`
        : `Loading ${name}…`;
    case 'ready':
      return `${name} ready`;
    case 'failed':
      return `${name} failed to load: ${state.error}`;
  }
}
