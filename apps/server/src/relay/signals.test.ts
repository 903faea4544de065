import { describe, expect, it } from 'vitest';
import { SignalStamper } from './signals.js';

const cleo = { name: 'Cleo', role: 'candidate' } as const;
const t = (ms: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, 0) + ms);

describe('SignalStamper', () => {
  it('stamps who and when, keeps only the fields of the kind, and ignores what the client claimed', () => {
    const stamper = new SignalStamper();
    const outcome = stamper.stamp({}, cleo, { kind: 'focus-lost', chars: 999, lines: 9, awayMs: 5, at: '1999-01-01T00:00:00Z', by: { name: 'X', role: 'interviewer' } }, t(0));
    expect(outcome).toStrictEqual({
      action: 'accept',
      record: { kind: 'focus-lost', at: t(0), by: cleo },
      event: { type: 'signal', payload: { kind: 'focus-lost', by: cleo, at: t(0).toISOString() } },
    });
  });

  it('measures each connection’s absence on its own', () => {
    const stamper = new SignalStamper();
    const a = {};
    const b = {};
    stamper.stamp(a, cleo, { kind: 'focus-lost' }, t(0));
    stamper.stamp(b, cleo, { kind: 'focus-lost' }, t(1000));
    const back = stamper.stamp(b, cleo, { kind: 'focus-returned' }, t(1500));
    expect(back.action === 'accept' && back.record.awayMs).toBe(500);
    const backA = stamper.stamp(a, cleo, { kind: 'focus-returned' }, t(9000));
    expect(backA.action === 'accept' && backA.event.payload.awayMs).toBe(9000);
  });

  it('drops signals from interviewers and small pastes; refuses a paste without both sizes', () => {
    const stamper = new SignalStamper();
    expect(stamper.stamp({}, { name: 'Ada', role: 'interviewer' }, { kind: 'paste', chars: 500, lines: 50 }, t(0)).action).toBe('drop');
    expect(stamper.stamp({}, cleo, { kind: 'paste', chars: 79, lines: 2 }, t(0)).action).toBe('drop');
    expect(stamper.stamp({}, cleo, { kind: 'paste', chars: 80, lines: 1 }, t(0)).action).toBe('accept');
    expect(stamper.stamp({}, cleo, { kind: 'paste', chars: 1, lines: 3 }, t(0)).action).toBe('accept');
    expect(stamper.stamp({}, cleo, { kind: 'paste', lines: 3 }, t(0))).toEqual({ action: 'refuse', reason: 'a paste signal needs payload.chars and payload.lines' });
  });
});
