import { isShellCache, planFetch, serverDown, shellCacheName, SHELL_URL, type ShellManifest } from './app-shell.js';

/**
 * Keeps the app (page and assets) in the browser, so that a room reloaded
 * while the server is out of reach still opens; the room's documents come
 * from the browser's own copy (lib/collab/local-copy.ts). Built as /sw.js
 * (scope /) by the plugin in vite.config.ts, which replaces
 * `self.__APP_SHELL__` with this build's file list.
 */
declare const self: ServiceWorkerGlobalScope & { __APP_SHELL__: ShellManifest };

const shell = self.__APP_SHELL__;
const cacheName = shellCacheName(shell.version);

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(cacheName);
      await cache.addAll([SHELL_URL, ...shell.files]);
      // A new build's worker takes over at once: pages load network first, so nothing waits on the old one.
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (isShellCache(name) && name !== cacheName) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const plan = planFetch(event.request, self.location.origin);
  if (plan === 'page') event.respondWith(page(event));
  else if (plan === 'asset') event.respondWith(asset(event));
});

async function page(event: FetchEvent): Promise<Response> {
  const cache = await caches.open(cacheName);
  let response: Response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    const kept = await cache.match(SHELL_URL);
    if (kept) return kept;
    throw error;
  }
  if (response.status === 200) {
    event.waitUntil(cache.put(SHELL_URL, response.clone()));
    return response;
  }
  if (serverDown(response.status)) return (await cache.match(SHELL_URL)) ?? response;
  return response;
}

async function asset(event: FetchEvent): Promise<Response> {
  const cache = await caches.open(cacheName);
  const kept = await cache.match(event.request);
  if (kept) return kept;
  const response = await fetch(event.request);
  if (response.status === 200) event.waitUntil(cache.put(event.request, response.clone()));
  return response;
}
