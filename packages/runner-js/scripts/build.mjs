// Builds the runner package:
//   dist/lib/          the client (and its types) for consumers without the "source" condition
//   dist/harness.html  the sandbox document: one inline script, the worker prelude inlined in it
//   dist/harness.csp   the Content-Security-Policy the server sends with that document
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

/** One self-contained IIFE from a TypeScript entry, returned as text. */
async function bundle(entry, { name, define } = {}) {
  const result = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    define,
    resolve: { conditions: ['source'] },
    build: {
      write: false,
      emptyOutDir: false,
      minify: false,
      sourcemap: false,
      target: 'es2022',
      lib: { entry: join(root, entry), formats: ['iife'], name: name ?? 'Unnamed', fileName: () => 'bundle.js' },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunk = outputs.flatMap((output) => output.output).find((item) => item.type === 'chunk');
  if (!chunk) throw new Error(`bundling ${entry} produced no code`);
  return chunk.code;
}

/** Inline script text must not close the element or open an HTML comment early. */
function safeForInlineScript(code) {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const { HARNESS_CSP, SANDBOX_POLICY } = await import(pathToFileURL(join(dist, 'lib/harness/csp.js')).href);

// The prelude becomes an expression that evaluates to its `start` function.
// The strict wrapper keeps every prelude function strict, so user code
// inspecting stacks (Error.prepareStackTrace) cannot reach them or their
// receivers, and keeps the bundle's global name local.
const prelude = await bundle('src/worker/prelude.ts', { name: 'RunnerPrelude' });
const preludeExpression = `(function () {\n'use strict';\n${prelude}\nreturn RunnerPrelude.start;\n})()`;

const harness = await bundle('src/harness/harness-main.ts', {
  define: { __PRELUDE_EXPRESSION__: JSON.stringify(preludeExpression) },
});

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${SANDBOX_POLICY}">
<title>JavaScript sandbox</title>
</head>
<body>
<script>
${safeForInlineScript(harness)}
</script>
</body>
</html>
`;
writeFileSync(join(dist, 'harness.html'), html);
writeFileSync(join(dist, 'harness.csp'), `${HARNESS_CSP}\n`);
console.log(`runner-js: dist/harness.html (${(html.length / 1024).toFixed(1)} KB), dist/harness.csp, dist/lib`);
