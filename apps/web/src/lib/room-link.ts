/**
 * The secret of a room link travels in the fragment (`#token=…`), which
 * browsers never send to a server; these helpers keep it there.
 */

/** Reads the token from a location hash such as `#token=abc`. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  return token ? token : null;
}

/** The in-app part of an absolute room link: path and fragment, no origin. */
export function inAppHref(absoluteUrl: string): string {
  const url = new URL(absoluteUrl);
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Where a link should be opened: inside this page (same origin) or by a full navigation. */
export function isSameOrigin(absoluteUrl: string, currentOrigin: string): boolean {
  try {
    return new URL(absoluteUrl).origin === currentOrigin;
  } catch {
    return false;
  }
}
