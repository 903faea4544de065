/** How long the reason an edit was refused stays on screen. */
const SHOWN_MS = 12_000;

/** The latest reason an editor refused an edit, shown for a while. Reactive. */
export class EditRefusalNotice {
  message: string | null = $state(null);
  #timer: ReturnType<typeof setTimeout> | null = null;

  show(message: string): void {
    this.message = message;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.dismiss(), SHOWN_MS);
  }

  dismiss(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.message = null;
  }
}
