import { describe, expect, it } from 'vitest';
import { countLines, mapStack, userLine, type ScriptLayout } from './stack-mapping.js';

const layout: ScriptLayout = { scriptUrl: 'blob:null/1234-abcd', lineOffset: 100, userLineCount: 10 };

describe('userLine', () => {
  it('maps script lines to user lines and refuses prelude lines', () => {
    expect(userLine(101, layout)).toBe(1);
    expect(userLine(110, layout)).toBe(10);
    expect(userLine(100, layout)).toBeNull();
    expect(userLine(0, layout)).toBeNull();
    expect(userLine(1.5, layout)).toBeNull();
  });

  it('blames the last user line for the wrapper after it', () => {
    expect(userLine(111, layout)).toBe(10);
    expect(userLine(500, layout)).toBe(10);
  });
});

describe('countLines', () => {
  it('counts every JavaScript line terminator', () => {
    expect(countLines('')).toBe(1);
    expect(countLines('a\nb\r\nc\rd\u2028e\u2029f')).toBe(6);
  });
});

describe('mapStack', () => {
  it('rewrites user frames and drops the prelude below them', () => {
    const stack = [
      'TypeError: boom',
      '    at inner (blob:null/1234-abcd:102:9)',
      '    at Array.map (<anonymous>)',
      '    at blob:null/1234-abcd:105:3',
      '    at begin (blob:null/1234-abcd:40:12)',
      '    at onMessage (blob:null/1234-abcd:30:1)',
    ].join('\n');
    expect(mapStack(stack, layout)).toEqual({
      stack: 'TypeError: boom\n    at inner (main.js:2:9)\n    at Array.map (<anonymous>)\n    at main.js:5:3',
      firstUserLine: 2,
    });
  });

  it('drops prelude frames above user frames (console.trace, timers)', () => {
    const stack = ['Trace: x', '    at trace (blob:null/1234-abcd:7:1)', '    at async main (blob:null/1234-abcd:103:5)'].join('\n');
    expect(mapStack(stack, layout)).toEqual({ stack: 'Trace: x\n    at async main (main.js:3:5)', firstUserLine: 3 });
  });

  it('keeps a multi-line message and leaves other URLs alone', () => {
    const stack = 'Error: line one\nline two\n    at https://example.com/x.js:1:1';
    expect(mapStack(stack, layout)).toEqual({ stack, firstUserLine: null });
  });

  it('does not treat a similar URL as the script', () => {
    const stack = 'Error: x\n    at blob:null/1234-abcdef:105:3';
    expect(mapStack(stack, layout).firstUserLine).toBeNull();
  });
});
