/**
 * What the benchmark records inside the room page. Timestamps are taken in
 * the page itself, so neither Playwright's round trips nor Node's polling
 * interval end up in the figures.
 */
export interface PageProbe {
  /** performance.now() when the "Join room" button was clicked. */
  joinClickAt: number | null;
  /** performance.now() when the run bar first said "<Language> ready". */
  readyAt: number | null;
  /** The run bar's text, if it says the runtime failed to load. */
  failed: string | null;
  /** Text the next run's output will contain; set from Node before each run. */
  expect: string | null;
  /**
   * Shared-clock time (performance.timeOrigin + performance.now(), ms since
   * the epoch) of the click on "Run …" and of the first output containing
   * `expect`. Comparable across pages on one machine.
   */
  runClickAt: number | null;
  outputAt: number | null;
}

export const PROBE_KEY = '__runnerBench';

/**
 * Installed with addInitScript, so it runs before the app in every document
 * (and again after each reload). Playwright serializes it: it must not use
 * anything from this module's scope.
 */
export function installProbe(key: string): void {
  // Init scripts also run in the runners' sandboxed frames; only the room page matters.
  if (window !== window.top) return;
  const probe: PageProbe = {
    joinClickAt: null,
    readyAt: null,
    failed: null,
    expect: null,
    runClickAt: null,
    outputAt: null,
  };
  (window as unknown as Record<string, PageProbe>)[key] = probe;

  // Capture phase on the window: runs before the button's own handler.
  window.addEventListener(
    'click',
    (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      const label = button?.textContent?.trim() ?? '';
      if (label === 'Join room') probe.joinClickAt = performance.now();
      if (label.startsWith('Run ')) probe.runClickAt = performance.timeOrigin + performance.now();
    },
    true,
  );

  // A MutationObserver callback runs as a microtask right after the DOM
  // change, before the frame is painted: these are DOM times, not paint times.
  new MutationObserver(() => {
    if (probe.readyAt === null) {
      const status = document.querySelector('[role="toolbar"][aria-label="Run controls"] [role="status"]');
      const text = status?.textContent?.trim() ?? '';
      if (/^(Python|JavaScript) ready$/.test(text)) probe.readyAt = performance.now();
      else if (text.includes('failed')) probe.failed = text;
    }
    if (probe.expect !== null && probe.outputAt === null) {
      const output = document.querySelector('[aria-label="Program output"]');
      if (output?.textContent?.includes(probe.expect)) probe.outputAt = performance.timeOrigin + performance.now();
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
}
