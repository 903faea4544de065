import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defaultClientConditions, defineConfig } from 'vite';
import { serviceWorker } from './service-worker-plugin.js';

// The relay the dev server forwards to: `PORT=3000 node apps/server/dist/main.js`.
const relay = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [svelte(), serviceWorker()],
  resolve: {
    // Workspace packages export their TypeScript under "source", so the app
    // bundles the protocol without building it first.
    conditions: ['source', ...defaultClientConditions],
  },
  server: {
    // The same isolation as the relay's pages, so the Python runner gets SharedArrayBuffer.
    headers: {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    },
    proxy: {
      '/api': relay,
      '/ws': { target: relay, ws: true },
      // Runner sandboxes and the Python runtime come from the relay, with its headers.
      '/runner': relay,
      '/pyodide': relay,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The relay serves a strict CSP (script-src 'self'): no inline module
    // preload polyfill, everything in files.
    modulePreload: { polyfill: false },
    // The room chunk (CodeMirror + Yjs) is ~650 kB and loads lazily, after the home page.
    chunkSizeWarningLimit: 800,
  },
});
