/**
 * Copies text; resolves false when the browser refuses (no permission,
 * insecure context), so the caller can fall back to selecting the text.
 */
export async function copyText(text: string): Promise<boolean> {
  if (!navigator.clipboard?.writeText) return false;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
