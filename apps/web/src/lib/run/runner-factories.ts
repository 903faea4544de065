import { JavaScriptRunner } from '@interview/runner-js';
import { PythonRunner } from '@interview/runner-python';
import type { ClientConfig } from '@interview/protocol';
import type { RunnerFactories } from './room-runners.svelte.js';

/** The concrete runners, each in its own hidden sandbox frame inside `container`. */
export function runnerFactories(container: HTMLElement, config: ClientConfig): RunnerFactories {
  return {
    python: () => new PythonRunner({ container, pyodideBaseUrl: config.pyodideBaseUrl }),
    javascript: () => new JavaScriptRunner({ container }),
  };
}
