import { describe, expect, it } from 'vitest';
import { cleanTraceback } from './traceback.js';
import { SAMPLES } from './traceback.fixtures.js';

describe('cleanTraceback', () => {
  it('keeps the user frames of a nested call and points at the innermost one', () => {
    const { text, errorLine } = cleanTraceback(SAMPLES.nested);
    expect(text).toBe(
      [
        'Traceback (most recent call last):',
        '  File "main.py", line 5, in <module>',
        '    f(0)',
        '    ~^^^',
        '  File "main.py", line 2, in f',
        '    return g(x)',
        '  File "main.py", line 4, in g',
        '    return 1 / x',
        '           ~~^~~',
        'ZeroDivisionError: division by zero',
      ].join('\n'),
    );
    expect(errorLine).toBe(4);
  });

  it('drops standard-library frames and blames the user line that called in', () => {
    const { text, errorLine } = cleanTraceback(SAMPLES.stdlib);
    expect(text).not.toContain('/lib/python');
    expect(text).not.toContain('<runner>');
    expect(text).toContain("json.loads('{bad')");
    expect(text.split('\n').at(-1)).toMatch(/^json\.decoder\.JSONDecodeError: Expecting property name/);
    expect(errorLine).toBe(2);
  });

  it('cleans every exception of a chain and reports the line of the last one', () => {
    for (const sample of [SAMPLES.chained, SAMPLES.cause]) {
      const { text, errorLine } = cleanTraceback(sample);
      expect(text.match(/Traceback \(most recent call last\):/g)).toHaveLength(2);
      expect(text).not.toContain('<runner>');
      expect(errorLine).toBe(4);
    }
    expect(cleanTraceback(SAMPLES.chained).text).toContain('During handling of the above exception');
    expect(cleanTraceback(SAMPLES.cause).text).toContain('The above exception was the direct cause');
  });

  it('prints a SyntaxError as CPython does for a script: no header, location, source, caret', () => {
    expect(cleanTraceback(SAMPLES.syntax)).toEqual({
      text: ['  File "main.py", line 2', '    if x', '        ^', "SyntaxError: expected ':'"].join('\n'),
      errorLine: 2,
    });
    const indent = cleanTraceback(SAMPLES.indent);
    expect(indent.text.startsWith('  File "main.py", line 2\n    return 1\n')).toBe(true);
    expect(indent.errorLine).toBe(2);
  });

  it('keeps frames of code the program exec()s, but the error line stays in the editor', () => {
    const { text, errorLine } = cleanTraceback(SAMPLES.exec_string);
    expect(text).toContain('File "<string>", line 1, in <module>');
    expect(errorLine).toBe(1);
  });

  it('drops the driver frame inside an exception group and keeps the group', () => {
    const { text, errorLine } = cleanTraceback(SAMPLES.group);
    expect(text).not.toContain('<runner>');
    expect(text).toContain('ExceptionGroup: many (2 sub-exceptions)');
    expect(text).toContain('| ValueError: 1');
    expect(text).toContain('| TypeError: 2');
    expect(errorLine).toBe(1);
  });

  it('keeps "previous line repeated" notes only after a kept frame', () => {
    const entries = [
      'Traceback (most recent call last):\n',
      '  File "<runner>", line 120, in run\n',
      '  File "main.py", line 1, in f\n    def f(n): return f(n+1)\n',
      '  [Previous line repeated 996 more times]\n',
      '  File "/lib/python314.zip/x.py", line 9, in g\n',
      '  [Previous line repeated 3 more times]\n',
      'RecursionError: maximum recursion depth exceeded\n',
    ];
    const { text } = cleanTraceback(entries);
    expect(text.match(/Previous line repeated/g)).toHaveLength(1);
    expect(text).toContain('996 more times');
  });

  it('has no error line when no frame of the program is left', () => {
    const entries = ['Traceback (most recent call last):\n', '  File "<runner>", line 120, in run\n', 'KeyboardInterrupt\n'];
    expect(cleanTraceback(entries)).toEqual({ text: 'KeyboardInterrupt', errorLine: null });
  });

  it('cuts a huge traceback', () => {
    const entries = ['Traceback (most recent call last):\n', `  File "main.py", line 1, in <module>\n    ${'x'.repeat(200_000)}\n`, 'E\n'];
    expect(cleanTraceback(entries).text.length).toBeLessThanOrEqual(64 * 1024);
  });
});
