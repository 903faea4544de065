import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type LaunchOptions } from 'playwright-core';

/** Debian's Chromium; CHROMIUM_PATH overrides it. Never a downloaded browser. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}: run "pnpm test:deps" (installs Debian's chromium) or set CHROMIUM_PATH`);
  }
  return path;
}

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function launchOptions(): LaunchOptions {
  return { executablePath: chromiumPath(), headless: true, args: ARGS };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch(launchOptions());
}

/** A profile on disk, so the HTTP cache survives between page loads. */
export function launchPersistentChromium(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, launchOptions());
}
