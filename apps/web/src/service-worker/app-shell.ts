/**
 * What the service worker keeps and serves: the app itself (the page and
 * its hashed assets), never data. API calls, sockets, the runners' sandbox
 * documents and the Python runtime always go to the network. This module is
 * imported by the service worker alone, so the build keeps it out of the
 * app's chunks and the worker stays one classic script.
 */

/** Written into the built worker by the build (`vite.config.ts`): this build's files. */
export interface ShellManifest {
  /** Changes with every build whose files change. */
  version: string;
  /** Absolute paths of the built assets and public files to keep. */
  files: string[];
}

/** The cache key of the page: every page route serves the same index.html. */
export const SHELL_URL = '/';

const CACHE_PREFIX = 'interview-app-';

export function shellCacheName(version: string): string {
  return `${CACHE_PREFIX}${version}`;
}

/** A cache this worker made (for this build or an earlier one). */
export function isShellCache(name: string): boolean {
  return name.startsWith(CACHE_PREFIX);
}

/**
 * - `page`: the network first, so a deployment shows at once; the kept
 *   page when the server is out of reach.
 * - `asset`: the kept copy first: hashed names never change content.
 * - `network`: not touched.
 */
export type FetchPlan = 'page' | 'asset' | 'network';

export interface FetchFacts {
  url: string;
  method: string;
  mode: string;
  destination: string;
}

/** The app's page routes (the server's PAGE_ROUTES); the app itself decides which room ids exist. */
const PAGE_PATH = /^\/(?:questions\/?|r\/[^/]+(?:\/review)?\/?)?$/;

export function planFetch(request: FetchFacts, origin: string): FetchPlan {
  if (request.method !== 'GET') return 'network';
  const url = new URL(request.url);
  if (url.origin !== origin) return 'network';
  if (request.mode === 'navigate') {
    // Frames (the runners' sandboxes) are documents too, but never the app's page.
    return request.destination === 'document' && PAGE_PATH.test(url.pathname) ? 'page' : 'network';
  }
  if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') return 'asset';
  return 'network';
}

/**
 * Whether to answer a page request with the kept page instead of what the
 * network gave: when a proxy in front says the server behind it is down.
 */
export function serverDown(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}
