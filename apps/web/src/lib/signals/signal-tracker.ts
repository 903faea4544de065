import { EventLimits, isLargePaste } from '@interview/protocol';

/** What a candidate's browser reports; the relay adds who, when and how long. */
export type OutgoingSignal = { kind: 'paste'; chars: number; lines: number } | { kind: 'focus-lost' } | { kind: 'focus-returned' };

/** Sends one signal to the room; false when it could not go out (offline). */
export type SendSignal = (signal: OutgoingSignal) => boolean;

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/** Lines of pasted text as a person counts them: a trailing newline ends a line rather than starting one. */
export function countLines(text: string): number {
  if (text === '') return 0;
  const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
  return /(\r\n|\r|\n)$/.test(text) ? breaks : breaks + 1;
}

/** Characters (code points, so an emoji is one) and lines of a paste, bounded as the protocol requires. */
export function pasteSize(text: string): { chars: number; lines: number } {
  const chars = text.length - (text.match(SURROGATE_PAIR)?.length ?? 0);
  return { chars: Math.min(chars, EventLimits.pasteSize), lines: Math.min(countLines(text), EventLimits.pasteSize) };
}

/**
 * Turns what happens in a candidate's browser into the signals the
 * interviewer sees, as the candidate was told on the join page: large
 * pastes, and the tab or window losing focus and getting it back. Focus
 * changes arrive from several DOM events at once (blur and visibilitychange),
 * so "lost" is reported once until focus returns, and "returned" only after
 * a "lost" that actually went out, so the relay can time the absence.
 */
export class SignalTracker {
  readonly #send: SendSignal;
  #away = false;
  #reportedAway = false;
  #paused = false;

  constructor(send: SendSignal) {
    this.#send = send;
  }

  /** Text pasted into the code; small pastes are ordinary typing aids and stay unreported. */
  pasted(text: string): void {
    if (this.#paused) return;
    const { chars, lines } = pasteSize(text);
    if (isLargePaste(chars, lines)) this.#send({ kind: 'paste', chars, lines });
  }

  /** Whether the tab is visible and focused, as the DOM last said. */
  presence(present: boolean): void {
    if (present === !this.#away) return;
    this.#away = !present;
    if (!present) {
      if (!this.#paused) this.#reportedAway = this.#send({ kind: 'focus-lost' });
      return;
    }
    if (this.#reportedAway) {
      this.#reportedAway = false;
      this.#send({ kind: 'focus-returned' });
    }
  }

  /**
   * While paused (the interview has ended) nothing new is reported; a
   * return that ends an absence already reported still is, so the
   * interviewer's list never shows someone gone for good by mistake.
   */
  setPaused(paused: boolean): void {
    this.#paused = paused;
  }
}
