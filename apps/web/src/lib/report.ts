/**
 * The one place errors that the user does not need to act on are reported,
 * with the context they happened in.
 */
export function reportError(context: string, error: unknown): void {
  console.error(`[interview] ${context}:`, error);
}
