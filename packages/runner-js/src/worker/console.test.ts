import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createConsole, formatDuration, type SandboxConsole } from './console.js';

function sandbox(accepting = true) {
  const writes: Array<[string, string]> = [];
  let time = 0;
  const sandboxConsole = createConsole({
    write: (stream, text) => writes.push([stream, text]),
    accepting,
    now: () => time,
    mapStack: (stack) => stack.replace(/\n {4}at [^\n]*/g, '').concat('\n    at main.js:1:1'),
  });
  return { console: sandboxConsole, writes, tick: (ms: number) => (time += ms) };
}

/** What Node's console prints for the same calls, per stream. */
function node(calls: (c: Console) => void): Array<[string, string]> {
  const writes: Array<[string, string]> = [];
  const sink = (stream: string) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        writes.push([stream, chunk.toString()]);
        done();
      },
    });
  calls(new Console({ stdout: sink('stdout'), stderr: sink('stderr'), colorMode: false }));
  return writes;
}

function same(calls: (c: Pick<SandboxConsole, keyof SandboxConsole>) => void) {
  const { console: ours, writes } = sandbox();
  calls(ours);
  expect(writes).toEqual(node(calls as (c: Console) => void));
}

describe('the sandbox console matches Node', () => {
  it('log, info, debug go to stdout; warn and error to stderr', () => {
    same((c) => {
      c.log('a', 1, { b: [2] });
      c.info('info');
      c.debug('debug');
      c.warn('warn');
      c.error('error', new Map([[1, 2]]));
    });
  });

  it('groups indent every line', () => {
    same((c) => {
      c.group('outer');
      c.log('one\ntwo');
      c.groupCollapsed();
      c.error({ deep: true });
      c.groupEnd();
      c.groupEnd();
      c.groupEnd();
      c.log('back');
    });
  });

  it('counts, asserts, dir and table', () => {
    same((c) => {
      c.count();
      c.count('x');
      c.count();
      c.countReset();
      c.count();
      c.assert(true, 'fine');
      c.assert(false, 'broken %s', 'here');
      c.dir({ a: { b: { c: { d: 1 } } } }, { depth: 0 });
      c.table([{ a: 1 }, { a: 2, b: 3 }]);
      c.table('not tabular');
    });
  });
});

describe('sandbox-specific behaviour', () => {
  it('reports an unknown count label on stderr and inspects a non-string assert message', () => {
    // Node emits a process warning for the first and prints "[object Object]" for the second.
    const { console: c, writes } = sandbox();
    c.countReset('missing');
    c.assert(false, { a: 1 });
    expect(writes).toEqual([
      ['stderr', "Count for 'missing' does not exist\n"],
      ['stderr', 'Assertion failed { a: 1 }\n'],
    ]);
  });

  it('times with the sink clock', () => {
    const { console: c, writes, tick } = sandbox();
    c.time('t');
    tick(12.3456);
    c.timeLog('t', 'extra');
    tick(1000);
    c.timeEnd('t');
    c.timeEnd('t');
    c.time('u');
    c.time('u');
    expect(writes).toEqual([
      ['stdout', 't: 12.346ms extra\n'],
      ['stdout', 't: 1.012s\n'],
      ['stderr', "No such label 't' for console.timeEnd()\n"],
      ['stderr', "Label 'u' already exists for console.time()\n"],
    ]);
  });

  it('formats durations like Node', () => {
    expect(formatDuration(0.5)).toBe('0.5ms');
    expect(formatDuration(1500)).toBe('1.500s');
    expect(formatDuration(61_234)).toBe('1:01.234 (m:ss.mmm)');
  });

  it('maps the stack of console.trace and of logged errors', () => {
    const { console: c, writes } = sandbox();
    c.trace('where %d', 1);
    c.log(new Error('e'));
    expect(writes).toEqual([
      ['stderr', 'Trace: where 1\n    at main.js:1:1\n'],
      ['stdout', 'Error: e\n    at main.js:1:1\n'],
    ]);
  });

  it('does no formatting once output is no longer accepted', () => {
    const { console: c, writes } = sandbox(false);
    let read = false;
    c.log({
      get a() {
        read = true;
        return 1;
      },
    });
    c.table([{ a: 1 }]);
    expect(writes).toEqual([]);
    expect(read).toBe(false);
  });

  it('works unbound', () => {
    const { console: c, writes } = sandbox();
    [1, 2].forEach(c.log);
    expect(writes).toEqual([
      ['stdout', '1 0 [ 1, 2 ]\n'],
      ['stdout', '2 1 [ 1, 2 ]\n'],
    ]);
  });
});
