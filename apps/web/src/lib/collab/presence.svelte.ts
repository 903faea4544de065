import type { Awareness } from 'y-protocols/awareness';
import type { AwarenessUser, Role } from '@interview/protocol';
import { chooseColorIndex, cursorColor, paletteIndexOf } from './colors.js';
import { mergeParticipants, readAwarenessUser, type Participant } from './participants.js';

/**
 * Who is in the room, from awareness. Publishes this client's `user` field
 * (which y-codemirror.next reads for cursor labels) and keeps its colour
 * distinct from the others'.
 */
export class Presence {
  participants: Participant[] = $state.raw([]);

  readonly #awareness: Awareness;
  readonly #me: { name: string; role: Role };
  #colorIndex: number | null = null;

  constructor(awareness: Awareness, me: { name: string; role: Role }) {
    this.#awareness = awareness;
    this.#me = me;
    this.#publish(chooseColorIndex(awareness.clientID, null, new Map()));
    awareness.on('change', this.#onChange);
    this.#onChange();
  }

  #publish(colorIndex: number): void {
    this.#colorIndex = colorIndex;
    const user: AwarenessUser = { ...this.#me, ...cursorColor(colorIndex) };
    this.#awareness.setLocalStateField('user', user);
  }

  readonly #onChange = (): void => {
    const states = this.#awareness.getStates();
    const selfId = this.#awareness.clientID;
    const others = new Map<number, number>();
    for (const [clientId, state] of states) {
      if (clientId === selfId) continue;
      const index = paletteIndexOf(readAwarenessUser(state)?.color);
      if (index !== null) others.set(clientId, index);
    }
    const colorIndex = chooseColorIndex(selfId, this.#colorIndex, others);
    // Publishing fires another change; the rule is stable, so that one ends here.
    if (colorIndex !== this.#colorIndex) this.#publish(colorIndex);
    this.participants = mergeParticipants(this.participants, states, selfId);
  };

  destroy(): void {
    this.#awareness.off('change', this.#onChange);
  }
}
