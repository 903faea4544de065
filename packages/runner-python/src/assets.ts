import { RUNTIME_FILES, type RuntimeFileName, type RuntimeFiles } from './messages.js';

export interface DownloadProgress {
  loadedBytes: number;
  /** null while a size is unknown (no Content-Length, or a compressed response). */
  totalBytes: number | null;
}

/**
 * Fetches the Pyodide runtime on the host page. The host shares the
 * browser's HTTP cache (the sandbox does not), and the server marks these
 * files immutable, so after the first visit they come from disk.
 */
export async function fetchRuntimeFiles(
  baseUrl: string,
  onProgress: (progress: DownloadProgress) => void,
  signal?: AbortSignal,
): Promise<RuntimeFiles> {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, document.baseURI);
  const loaded = new Map<RuntimeFileName, number>();
  const totals = new Map<RuntimeFileName, number | null>();
  const report = () => {
    let loadedBytes = 0;
    for (const bytes of loaded.values()) loadedBytes += bytes;
    let totalBytes: number | null = 0;
    for (const name of RUNTIME_FILES) {
      const total = totals.get(name);
      totalBytes = total === undefined || total === null || totalBytes === null ? null : totalBytes + total;
    }
    onProgress({ loadedBytes, totalBytes });
  };

  const fetchOne = async (name: RuntimeFileName): Promise<[RuntimeFileName, ArrayBuffer]> => {
    const url = new URL(name, base);
    const response = await fetch(url, { signal });
    if (!response.ok || !response.body) {
      throw new Error(`the Python runtime file ${url.pathname} could not be loaded (HTTP ${response.status})`);
    }
    const length = Number(response.headers.get('Content-Length'));
    // A compressed response's length is not the length of what we read.
    const exact = Number.isSafeInteger(length) && length > 0 && !response.headers.get('Content-Encoding');
    totals.set(name, exact ? length : null);
    loaded.set(name, 0);
    report();
    const bytes = await readAll(response.body, exact ? length : null, (count) => {
      loaded.set(name, count);
      report();
    });
    totals.set(name, bytes.byteLength);
    report();
    return [name, bytes];
  };

  const entries = await Promise.all(RUNTIME_FILES.map(fetchOne));
  return Object.fromEntries(entries) as RuntimeFiles;
}

/** Reads a body into one buffer, into place when the length is known. */
async function readAll(body: ReadableStream<Uint8Array>, length: number | null, onRead: (count: number) => void): Promise<ArrayBuffer> {
  const reader = body.getReader();
  let target = new Uint8Array(length ?? 1024 * 1024);
  let count = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (count + value.length > target.length) {
      const grown = new Uint8Array(Math.max(target.length * 2, count + value.length));
      grown.set(target.subarray(0, count));
      target = grown;
    }
    target.set(value, count);
    count += value.length;
    onRead(count);
  }
  return count === target.length ? target.buffer : target.slice(0, count).buffer;
}
