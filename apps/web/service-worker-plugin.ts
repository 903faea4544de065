import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const ENTRY = fileURLToPath(new URL('./src/service-worker/service-worker.ts', import.meta.url));
/** The placeholder in the worker's source that becomes this build's file list. */
const MANIFEST_PLACEHOLDER = 'self.__APP_SHELL__';
/** Files of `public/` the page uses, which are not part of the bundle. */
const PUBLIC_FILES = ['/favicon.svg'];

/**
 * Builds the service worker as `/sw.js` (its scope is the whole app) and
 * writes into it the files this build produced, so that it keeps exactly
 * them and a new build changes the worker, which browsers then install.
 */
export function serviceWorker(): Plugin {
  return {
    name: 'interview:service-worker',
    apply: 'build',
    buildStart() {
      this.emitFile({ type: 'chunk', id: ENTRY, fileName: 'sw.js' });
    },
    generateBundle(_options, bundle) {
      const worker = bundle['sw.js'];
      if (worker?.type !== 'chunk') return this.error('the service worker chunk sw.js is missing from the bundle');
      // One classic script: a shared chunk would need `import`, which a classic worker cannot do.
      if (worker.imports.length > 0) return this.error(`sw.js imports ${worker.imports.join(', ')}: it must not share modules with the app`);
      if (!worker.code.includes(MANIFEST_PLACEHOLDER)) return this.error(`sw.js lost its ${MANIFEST_PLACEHOLDER} placeholder`);
      const files = Object.keys(bundle)
        .filter((file) => file.startsWith('assets/') && !file.endsWith('.map'))
        .sort()
        .map((file) => `/${file}`);
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 16);
      worker.code = worker.code.replace(MANIFEST_PLACEHOLDER, JSON.stringify({ version, files: [...files, ...PUBLIC_FILES] }));
    },
  };
}
