import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { mapStack } from '../stack-mapping.js';
import { describeStartupError } from './startup-error.js';
import { buildWorkerScript } from './worker-source.js';

const FAKE_PRELUDE = "(function () {\n'use strict';\n// two more lines\n// of prelude\nreturn (main) => main();\n})()";
const URL = 'blob:null/test-script';

/** Runs the worker script in V8 (as the worker would) and returns what the user code threw. */
async function thrownBy(code: string): Promise<Error> {
  const script = buildWorkerScript(FAKE_PRELUDE, code);
  const promise = new Script(script.source, { filename: URL }).runInNewContext({}) as Promise<unknown>;
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the code did not throw');
}

describe('buildWorkerScript', () => {
  it('puts the user code on its own lines after the prelude', () => {
    const script = buildWorkerScript(FAKE_PRELUDE, 'a\nb');
    expect(script.lineOffset).toBe(6);
    expect(script.userLineCount).toBe(2);
    expect(script.source.split('\n')[script.lineOffset]).toBe('a');
  });

  it('maps a real V8 stack back to the user line and column', async () => {
    const code = "const a = 1;\n\nfunction f() {\n  throw new Error('x');\n}\nf();";
    const error = await thrownBy(code);
    const script = buildWorkerScript(FAKE_PRELUDE, code);
    const mapped = mapStack(error.stack!, { scriptUrl: URL, ...script });
    expect(mapped).toEqual({ stack: 'Error: x\n    at f (main.js:4:9)\n    at main.js:6:1', firstUserLine: 4 });
  });

  it('runs top-level await', async () => {
    const error = await thrownBy("await null;\nthrow new Error('after await');");
    expect(error.message).toBe('after await');
  });
});

describe('describeStartupError', () => {
  const layout = { scriptUrl: URL, lineOffset: 6, userLineCount: 3 };
  const code = 'const a = 1;\nconst b = ;\n}';

  it('shows the line, a caret and the message', () => {
    expect(describeStartupError("Uncaught SyntaxError: Unexpected token ';'", 8, 11, code, layout)).toEqual({
      error: "main.js:2\nconst b = ;\n          ^\n\nSyntaxError: Unexpected token ';'",
      errorLine: 2,
    });
  });

  it('calls an error in the wrapper the end of input', () => {
    expect(describeStartupError("Uncaught SyntaxError: Unexpected token ')'", 10, 2, code, layout)).toEqual({
      error: 'main.js:3\n}\n\nSyntaxError: Unexpected end of input',
      errorLine: 3,
    });
  });

  it('names a stray closing brace', () => {
    expect(describeStartupError('Uncaught SyntaxError: missing ) after argument list', 9, 1, code, layout).error).toBe(
      "main.js:3\n}\n^\n\nSyntaxError: Unexpected token '}'",
    );
  });

  it('explains a worker that did not load', () => {
    expect(describeStartupError('', 0, 0, code, layout)).toEqual({
      error: 'The program could not be started in the sandbox (its worker failed to load).',
      errorLine: null,
    });
  });
});
