import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { SaveTracker } from './save-tracker.js';

export interface SaveWatchOptions {
  /** Changes with this origin are already on the server (the browser's copy, when it was saved when last left). */
  alreadySaved?: (origin: unknown) => boolean;
  onChange: (unsynced: boolean) => void;
}

export interface SaveWatch {
  readonly unsynced: boolean;
  destroy(): void;
}

/**
 * Follows one document and its provider with a `SaveTracker`. Create it
 * right after the provider and before connecting: its document listener
 * must run after the provider's, which sends each change, so that a
 * receipt never overtakes the change it confirms.
 */
export function watchSaves(provider: WebsocketProvider, doc: Y.Doc, options: SaveWatchOptions): SaveWatch {
  const tracker = new SaveTracker({ stateVector: () => Y.encodeStateVector(doc), onChange: options.onChange });
  let socket: WebSocket | null = null;

  // Added after the provider's own `onmessage`, so this runs once the provider has answered the frame.
  const onMessage = (event: MessageEvent): void => {
    if (event.data instanceof ArrayBuffer) tracker.received(new Uint8Array(event.data));
  };
  const onUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (origin === provider || options.alreadySaved?.(origin)) return;
    tracker.changed();
  };
  const onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }): void => {
    if (status === 'connected' && provider.ws) {
      socket?.removeEventListener('message', onMessage);
      const open = provider.ws;
      socket = open;
      open.addEventListener('message', onMessage);
      tracker.opened((frame) => {
        if (provider.ws === open && open.readyState === open.OPEN) open.send(frame);
      });
    } else if (socket) {
      socket.removeEventListener('message', onMessage);
      socket = null;
      tracker.closed();
    }
  };

  doc.on('update', onUpdate);
  provider.on('status', onStatus);
  return {
    get unsynced() {
      return tracker.unsynced;
    },
    destroy() {
      doc.off('update', onUpdate);
      provider.off('status', onStatus);
      socket?.removeEventListener('message', onMessage);
      socket = null;
    },
  };
}
