/**
 * The worker runs one script: the prelude, then the user's code wrapped in an
 * async function. Stack traces point into that script; these helpers turn
 * them into positions in the user's code and drop the prelude's frames.
 */

/** How user code appears in mapped stacks, like a file name in Node. */
export const USER_SCRIPT_NAME = 'main.js';

export interface ScriptLayout {
  /** URL of the worker script as it appears in stack frames (a blob: URL). */
  scriptUrl: string;
  /** Lines before the user's first line. */
  lineOffset: number;
  userLineCount: number;
}

/** Line terminators as JavaScript counts them for line numbers. */
export const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

export function countLines(text: string): number {
  return text.split(LINE_BREAK).length;
}

/** The user's 1-based line for a line of the worker script, or null inside the prelude. */
export function userLine(scriptLine: number, layout: ScriptLayout): number | null {
  if (!Number.isInteger(scriptLine) || scriptLine <= layout.lineOffset) return null;
  // Past the last user line is the wrapper's closing brace: blame the last line.
  return Math.min(scriptLine - layout.lineOffset, Math.max(1, layout.userLineCount));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const FRAME = /^\s+at /;

export interface MappedStack {
  stack: string;
  /** Line of the innermost frame in user code, if any. */
  firstUserLine: number | null;
}

/**
 * Rewrites `blob:…:LINE:COL` to `main.js:LINE:COL` in user coordinates, drops
 * frames of the prelude and everything below the outermost user frame (the
 * prelude calling into user code).
 */
export function mapStack(stack: string, layout: ScriptLayout): MappedStack {
  const location = new RegExp(`${escapeRegExp(layout.scriptUrl)}:(\\d+):(\\d+)`, 'g');
  const lines = stack.split('\n');
  const kept: Array<{ text: string; user: boolean }> = [];
  let firstUserLine: number | null = null;
  for (const line of lines) {
    if (!FRAME.test(line)) {
      kept.push({ text: line.replace(location, (_, l: string, c: string) => positionText(Number(l), c, layout)), user: false });
      continue;
    }
    let inPrelude = false;
    let inUserCode = false;
    const text = line.replace(location, (_match, l: string, c: string) => {
      const mapped = userLine(Number(l), layout);
      if (mapped === null) {
        inPrelude = true;
        return '';
      }
      inUserCode = true;
      if (firstUserLine === null) firstUserLine = mapped;
      return `${USER_SCRIPT_NAME}:${mapped}:${c}`;
    });
    if (inPrelude) continue;
    kept.push({ text, user: inUserCode });
  }
  let lastUser = -1;
  kept.forEach((entry, index) => {
    if (entry.user) lastUser = index;
  });
  const result = lastUser === -1 ? kept : kept.filter((entry, index) => index <= lastUser || !FRAME.test(entry.text));
  return { stack: result.map((entry) => entry.text).join('\n'), firstUserLine };
}

function positionText(scriptLine: number, column: string, layout: ScriptLayout): string {
  const mapped = userLine(scriptLine, layout);
  return mapped === null ? '<runner>' : `${USER_SCRIPT_NAME}:${mapped}:${column}`;
}
