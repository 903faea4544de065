/**
 * Builds the sandbox the server serves at /runner/python.html:
 *
 *   dist/harness.html  one document, one inline script (the harness), which
 *                      carries the worker bundle as a string and starts it
 *                      from a blob: URL;
 *   dist/harness.csp   its Content-Security-Policy, sent as a header: the
 *                      inline script is allowed by its hash, and nothing
 *                      in the sandbox may reach the network.
 *
 * and the client library (dist/lib) for consumers without the "source"
 * export condition.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(packageDir, 'dist');

/** Bundles one entry into a single self-contained classic script. */
async function bundle(entry, define = {}) {
  const result = await build({
    configFile: false,
    root: packageDir,
    logLevel: 'warn',
    define,
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      sourcemap: false,
      lib: { entry: join(packageDir, entry), formats: ['iife'], name: 'PythonRunnerSandbox', fileName: () => 'bundle.js' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const chunks = outputs.filter((o) => o.type === 'chunk');
  if (chunks.length !== 1 || outputs.length !== 1) {
    throw new Error(`${entry}: expected one self-contained chunk, got ${outputs.map((o) => o.fileName).join(', ')}`);
  }
  return chunks[0].code;
}

/** Keeps the script from ending its own <script> element early. */
function inlineSafe(code) {
  const safe = code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
  if (/<\/script|<!--/i.test(safe)) throw new Error('the harness script cannot be inlined safely');
  return safe;
}

const workerSource = await bundle('src/worker/main.ts');
const harnessScript = inlineSafe(await bundle('src/harness/main.ts', { __WORKER_SOURCE__: JSON.stringify(workerSource) }));
const scriptHash = createHash('sha256').update(harnessScript, 'utf8').digest('base64');

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Python sandbox</title>
<script>${harnessScript}</script>
</head>
<body></body>
</html>
`;

const csp = [
  // Nothing by default: no fetch/XHR/WebSocket/EventSource (connect-src), images, fonts, media, frames…
  "default-src 'none'",
  // The harness by its hash; blob: for the worker's imports of the handed-in
  // Pyodide modules; wasm compilation. No 'unsafe-eval': Pyodide does not need it.
  `script-src 'sha256-${scriptHash}' blob: 'wasm-unsafe-eval'`,
  // The worker starts from a blob: URL (a data: worker is not cross-origin isolated).
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  // Only our own pages may embed the sandbox.
  "frame-ancestors 'self'",
  // Opaque origin even if the document is opened on its own, outside the iframe.
  'sandbox allow-scripts',
].join('; ');

rmSync(distDir, { recursive: true, force: true });
mkdirSync(distDir, { recursive: true });
writeFileSync(join(distDir, 'harness.html'), html);
writeFileSync(join(distDir, 'harness.csp'), `${csp}\n`);

// Through node, not PATH: `node scripts/build.mjs` works outside `pnpm run` too.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageDir, stdio: 'inherit' });

console.log(
  `runner-python: dist/harness.html ${(Buffer.byteLength(html) / 1024).toFixed(1)} KiB ` +
    `(worker ${(workerSource.length / 1024).toFixed(1)} KiB), dist/harness.csp, dist/lib`,
);
