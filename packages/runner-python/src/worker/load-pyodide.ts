import type { Lockfile, loadPyodide as LoadPyodide, PyodideAPI } from 'pyodide';
import type { RuntimeFileName, RuntimeFiles } from '../messages.js';

/**
 * Pyodide asks for its files by URL. The sandbox may not fetch anything (its
 * CSP says so, and it has no HTTP cache of its own), so the files arrive as
 * buffers from the host page and are answered from memory under this
 * made-up base; `.invalid` can never resolve, should a request slip out.
 */
const RUNTIME_BASE = 'https://pyodide-runtime.invalid/';

type CreatePyodideModule = NonNullable<Parameters<typeof LoadPyodide>[0]>['createPyodideModule'];

/** Evaluates an ES module from bytes, through a blob: URL made (and revoked) here. */
async function importFromBytes<T>(bytes: ArrayBuffer): Promise<T> {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' }));
  try {
    return (await import(/* @vite-ignore */ url)) as T;
  } finally {
    URL.revokeObjectURL(url);
  }
}

const CONTENT_TYPES: Partial<Record<RuntimeFileName, string>> = {
  // instantiateStreaming insists on this type.
  'pyodide.asm.wasm': 'application/wasm',
  'python_stdlib.zip': 'application/zip',
};

/**
 * Replaces `fetch` while Pyodide boots: runtime files are served from
 * memory, anything else is refused. Returns the function that puts the real
 * `fetch` back, so user code meets the browser's fetch and the CSP.
 */
function serveFromMemory(files: RuntimeFiles): () => void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input: RequestInfo | URL): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    const name = url.startsWith(RUNTIME_BASE) ? (url.slice(RUNTIME_BASE.length) as RuntimeFileName) : null;
    if (name === null || !Object.hasOwn(files, name)) {
      return Promise.reject(new TypeError(`the Python runtime may not fetch ${url}`));
    }
    const type = CONTENT_TYPES[name] ?? 'application/octet-stream';
    return Promise.resolve(new Response(files[name], { headers: { 'Content-Type': type } }));
  };
  return () => {
    globalThis.fetch = realFetch;
  };
}

/**
 * The lock file lists Pyodide's 357 packages, none of which exist here. An
 * empty package list keeps Pyodide from suggesting `loadPackage` for them;
 * `info` stays, because Pyodide checks its ABI version.
 */
function emptyLockFile(bytes: ArrayBuffer): Lockfile {
  const lock = JSON.parse(new TextDecoder().decode(bytes)) as Lockfile;
  return { ...lock, packages: {} };
}

/** Boots Pyodide from the handed-in files, without any network. */
export async function loadPyodideFromFiles(files: RuntimeFiles): Promise<PyodideAPI> {
  const { loadPyodide } = await importFromBytes<{ loadPyodide: typeof LoadPyodide }>(files['pyodide.mjs']);
  const asm = await importFromBytes<{ default: CreatePyodideModule }>(files['pyodide.asm.mjs']);
  const restoreFetch = serveFromMemory(files);
  try {
    return await loadPyodide({
      indexURL: RUNTIME_BASE,
      createPyodideModule: asm.default,
      lockFileContents: emptyLockFile(files['pyodide-lock.json']),
      packageBaseUrl: RUNTIME_BASE,
      env: { HOME: '/home/pyodide' },
      // Startup chatter must not end up in the first run's output.
      stdout: () => {},
      stderr: (line) => console.warn('[pyodide]', line),
    });
  } finally {
    restoreFetch();
  }
}
