import type { Page } from 'playwright-core';
import { waitFor } from '@interview/test-support';
import type { RecordedRun, StartOptions } from './page-driver.js';

export type { RecordedRun };

/** Runs a program in the page and waits for its outcome. */
export function runToEnd(page: Page, runId: string, code: string, options: StartOptions = {}): Promise<RecordedRun> {
  return page.evaluate(
    ({ runId, code, options }) => {
      window.pyTest.start(runId, code, options);
      return window.pyTest.finish(runId);
    },
    { runId, code, options },
  );
}

export function startRun(page: Page, runId: string, code: string, options: StartOptions = {}): Promise<void> {
  return page.evaluate(({ runId, code, options }) => window.pyTest.start(runId, code, options), { runId, code, options });
}

export function finishRun(page: Page, runId: string): Promise<RecordedRun> {
  return page.evaluate((runId) => window.pyTest.finish(runId), runId);
}

export function outputOf(run: RecordedRun): string {
  return run.events
    .filter((event) => event.kind !== 'input-request')
    .map((event) => event.text)
    .join('');
}

/** Waits until the run has printed `text` (so it is really running), in page time. */
export async function waitForOutput(page: Page, runId: string, text: string): Promise<void> {
  await waitFor(() => page.evaluate(({ runId, text }) => window.pyTest.output(runId).includes(text), { runId, text }), {
    timeoutMs: 20_000,
    what: `output "${text}" of run ${runId}`,
  });
}

/** Stops a run and returns the page-time milliseconds from Stop to its outcome. */
export function stopAndTime(page: Page, runId: string): Promise<{ run: RecordedRun; stopToOutcomeMs: number }> {
  return page.evaluate(async (runId) => {
    const stoppedAt = performance.now();
    window.pyTest.stop(runId);
    const run = await window.pyTest.finish(runId);
    return { run, stopToOutcomeMs: (run.finishedAt ?? stoppedAt) - stoppedAt };
  }, runId);
}

/** How many times the runtime has entered the loading phase so far. */
export function loadingPhases(page: Page): Promise<number> {
  return page.evaluate(() => {
    let count = 0;
    let previous = '';
    for (const { state } of window.pyTest.states) {
      if (state.phase === 'loading' && previous !== 'loading') count++;
      previous = state.phase;
    }
    return count;
  });
}
