import { Limits } from './messages.js';

/** The file name user code runs under; `errorLine` refers to it. */
export const USER_FILE = 'main.py';
/** The file name of the runner's own Python (worker/driver.py). */
export const DRIVER_FILE = '<runner>';

export interface CleanTraceback {
  text: string;
  /** 1-based line of the user's code where the error was raised, when a frame of it is left. */
  errorLine: number | null;
}

/**
 * `  File "main.py", line 3, in f` — or, where a SyntaxError points, without
 * `, in …`; inside an exception group the line starts with `  |`.
 */
const FRAME = /^[ |]* File "((?:[^"\\]|\\.)*)", line (\d+)(, in )?/;
const HEADER = 'Traceback (most recent call last):\n';
/** Source and caret lines: their own entries after a SyntaxError's location (not an exception group's `    |` rows). */
const CONTINUATION = /^ {4}(?! *[|+])/;
const REPEATED = /^[ |]* {2}\[Previous line repeated \d+ more times?\]/;

/**
 * Frames the user did not write: the driver, the standard library and
 * Pyodide (all under /lib/python3.x…), and importlib's frozen modules.
 */
function isRuntimeFile(file: string): boolean {
  return file === DRIVER_FILE || file.startsWith('/lib/python') || file.startsWith('<frozen ');
}

/**
 * Turns the entries of Python's `traceback.format_exception` into what the
 * user should see: frames of the runner's driver, the standard library and
 * Pyodide go, so what is left is the user's code (chained exceptions and
 * code the user exec()s included). A "Traceback" header left without frames
 * goes too: a SyntaxError in the program then reads as CPython prints it for
 * a script.
 */
export function cleanTraceback(entries: readonly string[], userFile = USER_FILE): CleanTraceback {
  const kept: string[] = [];
  let errorLine: number | null = null;
  let lastFrameKept = false;
  let headerAt = -1;
  let framesUnderHeader = 0;

  const closeSection = () => {
    if (headerAt >= 0 && framesUnderHeader === 0) kept.splice(headerAt, 1);
    headerAt = -1;
  };

  for (const entry of entries) {
    const frame = FRAME.exec(entry);
    if (frame) {
      const file = frame[1] ?? '';
      lastFrameKept = !isRuntimeFile(file);
      if (!lastFrameKept) continue;
      kept.push(entry);
      // A SyntaxError's location is not a frame: alone, it needs no header.
      if (frame[3]) framesUnderHeader++;
      if (file === userFile) errorLine = Number(frame[2]);
      continue;
    }
    if (REPEATED.test(entry) || CONTINUATION.test(entry)) {
      if (lastFrameKept) kept.push(entry);
      continue;
    }
    if (entry === HEADER) {
      closeSection();
      headerAt = kept.length;
      framesUnderHeader = 0;
      kept.push(entry);
      continue;
    }
    // The exception line, the text between chained exceptions, group borders.
    closeSection();
    lastFrameKept = false;
    kept.push(entry);
  }
  closeSection();

  let text = kept.join('').replace(/\n+$/, '');
  if (text.length > Limits.errorLength) text = `${text.slice(0, Limits.errorLength - 40)}\n… (traceback cut short)`;
  return { text, errorLine };
}
