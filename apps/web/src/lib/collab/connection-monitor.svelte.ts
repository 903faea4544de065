import type { WebsocketProvider } from 'y-websocket';
import { describeConnection, OFFLINE_AFTER_MS, type ConnectionView, type SocketStatus } from './connection.js';

/** Tracks the provider's socket and the browser's network state for the status badge. */
export class ConnectionMonitor {
  #socket: SocketStatus = $state('connecting');
  #browserOnline = $state(navigator.onLine);
  #hasConnected = $state(false);
  #downForLong = $state(false);
  #refused: { code: number; reason: string } | null = $state(null);

  readonly view: ConnectionView = $derived(
    describeConnection({
      socket: this.#socket,
      browserOnline: this.#browserOnline,
      hasConnected: this.#hasConnected,
      downForLong: this.#downForLong,
      refused: this.#refused,
    }),
  );

  readonly #provider: WebsocketProvider;
  #downTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(provider: WebsocketProvider) {
    this.#provider = provider;
    provider.on('status', this.#onStatus);
    provider.on('closed', this.#onClosed);
    addEventListener('online', this.#onNetwork);
    addEventListener('offline', this.#onNetwork);
    if (provider.wsconnected) this.#onStatus({ status: 'connected' });
    else this.#startDownTimer();
  }

  readonly #onStatus = ({ status }: { status: SocketStatus }): void => {
    this.#socket = status;
    if (status === 'connected') {
      this.#hasConnected = true;
      this.#downForLong = false;
      clearTimeout(this.#downTimer);
      this.#downTimer = undefined;
    } else {
      this.#startDownTimer();
    }
  };

  #startDownTimer(): void {
    if (this.#downTimer !== undefined) return;
    this.#downTimer = setTimeout(() => {
      this.#downForLong = true;
    }, OFFLINE_AFTER_MS);
  }

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
    clearTimeout(this.#downTimer);
    this.#provider.off('status', this.#onStatus);
    this.#provider.off('closed', this.#onClosed);
    removeEventListener('online', this.#onNetwork);
    removeEventListener('offline', this.#onNetwork);
  }
}
