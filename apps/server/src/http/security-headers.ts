import type { RequestHandler } from 'express';

/**
 * The app's pages may load only their own scripts and talk only to their
 * own origin (plus a Pyodide mirror, when one is configured). Styles allow
 * inline because CodeMirror injects its own. The runners' sandbox documents
 * come from this origin (`frame-src 'self'`) and the service worker is
 * `/sw.js` (`worker-src 'self'`). The page needs no `'wasm-unsafe-eval'`: it
 * only fetches the Python runtime's bytes and hands them to the sandbox,
 * whose own policy (served with /runner/python.html) allows compiling them.
 */
export function appCsp(extraConnectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    ["connect-src 'self'", ...extraConnectSources].join(' '),
    "img-src 'self' data:",
    "font-src 'self'",
    "frame-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The policy of every response that is not one of the app's documents (API
 * JSON, errors, assets): should a browser ever render one as a page, it may
 * load nothing, run nothing and be framed by no one. Page, sandbox and
 * service-worker routes replace it with their own.
 */
export const RESOURCE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Headers on every response. COOP/COEP make the app's pages cross-origin
 * isolated (the Python runner needs SharedArrayBuffer for interrupts), so
 * every resource they load must be same-origin or opt in: CORP same-origin
 * says ours are. No sniffing, and no Referer: tokens live in the URL
 * fragment, and nothing of a room's URL should leave the page.
 */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', RESOURCE_CSP);
  next();
};
