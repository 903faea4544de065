import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { Router, static as serveStatic } from 'express';
import type { Logger } from '../log.js';

const require = createRequire(import.meta.url);

/** The runtime files the Python runner loads; nothing else of the package is served. */
const PYODIDE_FILES = new Set(['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json']);

export interface PyodideAssets {
  dir: string;
  version: string;
  /** Where browsers load the runtime from: our own versioned path, or PYODIDE_BASE. */
  baseUrl: string;
}

export function locatePyodide(pyodideBase: string | null): PyodideAssets {
  const packageJson = require.resolve('pyodide/package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  return { dir: dirname(packageJson), version, baseUrl: pyodideBase ?? `/pyodide/${version}/` };
}

/** A runner's sandbox document and the Content-Security-Policy its build wrote beside it. */
export interface RunnerHarness {
  html: string;
  csp: string;
}

/**
 * Reads `dist/harness.html` and `dist/harness.csp` of a runner package, or
 * null when the package or its build is missing.
 */
export function locateHarness(packageName: string): RunnerHarness | null {
  let dir: string;
  try {
    dir = dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    return null;
  }
  const html = join(dir, 'dist/harness.html');
  const csp = join(dir, 'dist/harness.csp');
  if (!existsSync(html) || !existsSync(csp)) return null;
  return { html, csp: readFileSync(csp, 'utf8').trim() };
}

export interface RunnerRoutesOptions {
  pyodide: PyodideAssets;
  /** Harness per runner name (`python`, `javascript`). */
  harnesses: Record<string, RunnerHarness | null>;
  logger: Logger;
}

/**
 * The runners' static files: their sandbox documents under /runner/ and the
 * Python runtime under /pyodide/<version>/. Runtime files never change for a
 * version, so browsers cache them for a year and load them once.
 */
export function runnerRoutes({ pyodide, harnesses, logger }: RunnerRoutesOptions): Router {
  const router = Router();

  for (const [name, harness] of Object.entries(harnesses)) {
    if (!harness) {
      logger.warn('runner-missing', { runner: name, hint: 'run "pnpm build" to build the runners' });
      continue;
    }
    router.get(`/runner/${name}.html`, (_req, res) => {
      // The sandbox's own policy, as a header: a meta tag alone would leave
      // the document unprotected until the tag is parsed.
      res.setHeader('Content-Security-Policy', harness.csp);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(harness.html);
    });
  }

  const version = `/pyodide/${pyodide.version}`;
  router.use(version, (req, res, next) => {
    if (!PYODIDE_FILES.has(req.path.slice(1))) {
      res.status(404).json({ error: 'not a runtime file' });
      return;
    }
    next();
  });
  router.use(
    version,
    serveStatic(pyodide.dir, {
      index: false,
      immutable: true,
      maxAge: '1y',
      setHeaders(res, path) {
        // With any other type, loading the runtime hangs without an error.
        if (path.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
      },
    }),
  );
  return router;
}
