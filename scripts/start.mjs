// Serves the built app, building it first when the build is missing, so
// `pnpm start` works straight after `pnpm install`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = [
  'packages/protocol/dist/index.js',
  'packages/runner-js/dist/harness.html',
  'packages/runner-python/dist/harness.html',
  'apps/server/dist/main.js',
  'apps/web/dist/index.html',
];

if (outputs.some((file) => !existsSync(join(root, file)))) {
  console.error('The build is missing: running "pnpm build" first.');
  // Reuse the pnpm that runs this script (it may come from npx, not PATH).
  const pnpm = process.env.npm_execpath;
  const build = pnpm && /pnpm/.test(pnpm)
    ? spawnSync(process.execPath, [pnpm, 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync('pnpm', ['build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

await import(join(root, 'apps/server/dist/main.js'));
