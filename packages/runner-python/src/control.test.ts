import { describe, expect, it } from 'vitest';
import {
  createControlBuffers,
  interruptibleSleep,
  isInterruptRequested,
  provideLine,
  requestInterrupt,
  resetForRun,
  SIGINT,
  Slot,
  waitForLine,
} from './control.js';

function channels(inputBytes?: number) {
  const { control, input } = createControlBuffers();
  return { control: new Int32Array(control), input: new Uint8Array(inputBytes ? new SharedArrayBuffer(inputBytes) : input) };
}

describe('control block', () => {
  it('hands a line, with its newline, to a waiting reader', () => {
    const { control, input } = channels();
    provideLine(control, input, 'héllo');
    expect(new TextDecoder().decode(waitForLine(control, input)!)).toBe('héllo\n');
    expect(Atomics.load(control, Slot.inputState)).toBe(0);
  });

  it('cuts an over-long line at a character boundary', () => {
    const { control, input } = channels(8);
    provideLine(control, input, 'abcdeé🐍');
    expect(new TextDecoder('utf-8', { fatal: true }).decode(waitForLine(control, input)!)).toBe('abcdeé');
  });

  it('stops waiting for input when interrupted', () => {
    const { control, input } = channels();
    requestInterrupt(control);
    expect(Atomics.load(control, Slot.interrupt)).toBe(SIGINT);
    expect(waitForLine(control, input)).toBeNull();
  });

  it('sleeps, unless interrupted', () => {
    const { control } = channels();
    const started = performance.now();
    expect(interruptibleSleep(control, 30)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    requestInterrupt(control);
    const again = performance.now();
    expect(interruptibleSleep(control, 10_000)).toBe(false);
    expect(performance.now() - again).toBeLessThan(100);
  });

  it('starts every run without a stale interrupt or input', () => {
    const { control, input } = channels();
    requestInterrupt(control);
    provideLine(control, input, 'old');
    resetForRun(control);
    expect(isInterruptRequested(control)).toBe(false);
    expect(Atomics.load(control, Slot.inputState)).toBe(0);
  });
});
