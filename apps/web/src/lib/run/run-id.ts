/**
 * A run id: 16 random bytes, URL-safe. `crypto.randomUUID` exists only in
 * secure contexts; `getRandomValues` everywhere.
 */
export function newRunId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
