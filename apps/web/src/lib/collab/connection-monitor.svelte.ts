import type { WebsocketProvider } from 'y-websocket';
import { describeConnection, type ConnectionView, type SocketStatus } from './connection.js';

/** Tracks the provider's socket and the browser's network state for the status badge. */
export class ConnectionMonitor {
  #socket: SocketStatus = $state('connecting');
  #browserOnline = $state(navigator.onLine);
  #dropped = $state(false);
  #refused: { code: number; reason: string } | null = $state(null);

  readonly view: ConnectionView = $derived(
    describeConnection({
      socket: this.#socket,
      browserOnline: this.#browserOnline,
      dropped: this.#dropped,
      refused: this.#refused,
    }),
  );

  readonly #provider: WebsocketProvider;

  constructor(provider: WebsocketProvider) {
    this.#provider = provider;
    provider.on('status', this.#onStatus);
    provider.on('connection-close', this.#onClose);
    provider.on('closed', this.#onClosed);
    addEventListener('online', this.#onNetwork);
    addEventListener('offline', this.#onNetwork);
    if (provider.wsconnected) this.#onStatus({ status: 'connected' });
  }

  readonly #onStatus = ({ status }: { status: SocketStatus }): void => {
    this.#socket = status;
    if (status === 'connected') this.#dropped = false;
  };

  /** Every socket that closes, including one that never opened (the server is down). */
  readonly #onClose = (): void => {
    this.#dropped = true;
  };

  readonly #onClosed = (event: { code: number; reason: string }): void => {
    this.#refused = { code: event.code, reason: event.reason };
  };

  readonly #onNetwork = (): void => {
    this.#browserOnline = navigator.onLine;
    // Back online: retry now instead of waiting out the provider's backoff.
    if (navigator.onLine && this.#refused === null && !this.#provider.wsconnected) {
      this.#provider.disconnect();
      this.#provider.connect();
    }
  };

  destroy(): void {
    this.#provider.off('status', this.#onStatus);
    this.#provider.off('connection-close', this.#onClose);
    this.#provider.off('closed', this.#onClosed);
    removeEventListener('online', this.#onNetwork);
    removeEventListener('offline', this.#onNetwork);
  }
}
