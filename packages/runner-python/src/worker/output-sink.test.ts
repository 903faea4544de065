import { describe, expect, it } from 'vitest';
import type { OutputStream } from '../messages.js';
import { OutputSink, type ByteWriter } from './output-sink.js';

class Collector implements ByteWriter {
  readonly writes: Array<{ stream: OutputStream; text: string }> = [];
  write(stream: OutputStream, bytes: Uint8Array): boolean {
    this.writes.push({ stream, text: new TextDecoder().decode(bytes) });
    return true;
  }
  text(stream?: OutputStream): string {
    return this.writes.filter((w) => !stream || w.stream === stream).map((w) => w.text).join('');
  }
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('OutputSink', () => {
  it('passes output through and always reports every byte consumed', () => {
    const out = new Collector();
    const sink = new OutputSink(out, 100);
    expect(sink.write('stdout', bytes('hello\n'))).toBe(6);
    expect(sink.write('stderr', bytes('warn\n'))).toBe(5);
    expect(out.writes).toEqual([
      { stream: 'stdout', text: 'hello\n' },
      { stream: 'stderr', text: 'warn\n' },
    ]);
  });

  it('cuts a run at the limit on a character boundary, says so once, and starts fresh next run', () => {
    const out = new Collector();
    const sink = new OutputSink(out, 10);
    sink.write('stdout', bytes('12345678'));
    expect(sink.write('stdout', bytes('éé'))).toBe(4);
    expect(sink.write('stdout', bytes('more'))).toBe(4);
    expect(out.text('stdout')).toBe('12345678é');
    expect(out.text('stderr').match(/output truncated/g)).toHaveLength(1);
    sink.startRun();
    sink.write('stdout', bytes('again'));
    expect(out.text('stdout').endsWith('again')).toBe(true);
  });

  it('remembers the unterminated stdout line as the prompt', () => {
    const sink = new OutputSink(new Collector());
    sink.write('stdout', bytes('intro\nYour '));
    sink.write('stderr', bytes('noise'));
    sink.write('stdout', bytes('name: '));
    expect(sink.prompt()).toBe('Your name: ');
    sink.endLine();
    sink.write('stdout', bytes('Age: '));
    expect(sink.prompt()).toBe('Age: ');
    sink.write('stdout', bytes('\n'));
    expect(sink.prompt()).toBe('');
  });

  it('keeps remembering the prompt after the output limit', () => {
    const sink = new OutputSink(new Collector(), 4);
    sink.write('stdout', bytes('long output\nask: '));
    expect(sink.prompt()).toBe('ask: ');
  });
});
