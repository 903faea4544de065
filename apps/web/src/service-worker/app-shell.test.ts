import { describe, expect, it } from 'vitest';
import { isShellCache, planFetch, serverDown, shellCacheName, type FetchFacts } from './app-shell.js';

const ORIGIN = 'http://127.0.0.1:3000';
const page = (path: string): FetchFacts => ({ url: `${ORIGIN}${path}`, method: 'GET', mode: 'navigate', destination: 'document' });
const get = (path: string, destination = 'script'): FetchFacts => ({ url: `${ORIGIN}${path}`, method: 'GET', mode: 'cors', destination });

describe('planFetch', () => {
  it('serves the app’s pages network first', () => {
    for (const path of ['/', '/questions', '/r/AbCdEfGhIjKlMnOpQrStUv', '/r/AbCdEfGhIjKlMnOpQrStUv/review', '/r/x/']) {
      expect(planFetch(page(path), ORIGIN)).toBe('page');
    }
  });

  it('keeps the built assets and the icon', () => {
    expect(planFetch(get('/assets/RoomView-oPVk48Uc.js'), ORIGIN)).toBe('asset');
    expect(planFetch(get('/assets/index-CS9pgRRS.css', 'style'), ORIGIN)).toBe('asset');
    expect(planFetch(get('/favicon.svg', 'image'), ORIGIN)).toBe('asset');
  });

  it('leaves data, sockets, runners and the Python runtime to the network', () => {
    expect(planFetch(get('/api/rooms/abc', ''), ORIGIN)).toBe('network');
    expect(planFetch(get('/api/config', ''), ORIGIN)).toBe('network');
    expect(planFetch(get('/pyodide/314.0.7/pyodide.asm.wasm', ''), ORIGIN)).toBe('network');
    expect(planFetch(get('/sw.js'), ORIGIN)).toBe('network');
    expect(planFetch({ ...page('/runner/python.html'), destination: 'iframe' }, ORIGIN)).toBe('network');
    expect(planFetch({ ...page('/r/abc'), destination: 'iframe' }, ORIGIN)).toBe('network');
  });

  it('leaves other pages, other origins and other methods alone', () => {
    expect(planFetch(page('/healthz'), ORIGIN)).toBe('network');
    expect(planFetch(page('/r/a/b/c'), ORIGIN)).toBe('network');
    expect(planFetch(get('/assets/x.js'), 'http://127.0.0.1:4000')).toBe('network');
    expect(planFetch({ ...get('/assets/x.js'), method: 'POST' }, ORIGIN)).toBe('network');
  });
});

describe('caches', () => {
  it('recognises its own caches of any build and no others', () => {
    expect(isShellCache(shellCacheName('abc'))).toBe(true);
    expect(shellCacheName('abc')).not.toBe(shellCacheName('def'));
    expect(isShellCache('someone-else')).toBe(false);
  });

  it('takes a proxy’s gateway errors as the server being down', () => {
    expect([502, 503, 504].every(serverDown)).toBe(true);
    expect([200, 404, 500].some(serverDown)).toBe(false);
  });
});
