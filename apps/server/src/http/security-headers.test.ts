import { describe, expect, it } from 'vitest';
import { appCsp, RESOURCE_CSP } from './security-headers.js';

const directive = (csp: string, name: string): string | undefined => csp.split('; ').find((part) => part.startsWith(`${name} `));

describe('appCsp', () => {
  it('allows only the app’s own scripts, frames and workers, and no eval', () => {
    const csp = appCsp();
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
    expect(directive(csp, 'frame-src')).toBe("frame-src 'self'");
    expect(directive(csp, 'worker-src')).toBe("worker-src 'self'");
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self'");
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    // Inline styles only: CodeMirror injects its own.
    expect(csp.match(/'unsafe-inline'/g)).toHaveLength(1);
    expect(directive(csp, 'style-src')).toBe("style-src 'self' 'unsafe-inline'");
  });

  it('lets the page download the runtime from a Pyodide mirror, and only that', () => {
    const csp = appCsp(['https://cdn.example.test']);
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self' https://cdn.example.test");
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
  });
});

describe('RESOURCE_CSP', () => {
  it('allows nothing', () => {
    expect(directive(RESOURCE_CSP, 'default-src')).toBe("default-src 'none'");
    expect(directive(RESOURCE_CSP, 'frame-ancestors')).toBe("frame-ancestors 'none'");
  });
});
