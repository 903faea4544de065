import { countLines, LINE_BREAK } from '../stack-mapping.js';

export interface WorkerScript {
  source: string;
  /** Lines of the script before the user's first line. */
  lineOffset: number;
  userLineCount: number;
}

/**
 * The classic worker script of one run: the prelude (an expression that
 * evaluates to its `start` function) called with the user's code as the body
 * of an async function, so top-level `await` works. The user's first line
 * starts a line of its own, so columns need no mapping.
 */
export function buildWorkerScript(preludeExpression: string, code: string): WorkerScript {
  const head = `${preludeExpression}(async function () {\n`;
  return {
    source: `${head}${code}\n});\n`,
    lineOffset: head.split(LINE_BREAK).length - 1,
    userLineCount: countLines(code),
  };
}
