/**
 * Output limits and batching intervals, in one place because the worker
 * prelude, the harness and the tests must agree on them.
 */

/** Characters of output one run may produce; the rest is replaced by one notice. */
export const OUTPUT_LIMIT_CHARS = 1_000_000;
export const TRUNCATION_NOTICE = '[output truncated]';

/**
 * Worker → harness. The first posts of every window go out at once, so the
 * lines printed just before an endless loop still arrive (a worker stuck in a
 * loop never runs a flush timer); past that, a print storm is coalesced.
 * Measured on 2 cores: with 8 KB worker chunks and 16 KB page messages a
 * storm cost the page's 10 ms timer gaps of 60–130 ms; with 32 KB and 64 KB
 * it stays under 35 ms.
 */
export const WORKER_WINDOW_MS = 16;
export const WORKER_IMMEDIATE_POSTS_PER_WINDOW = 32;
export const WORKER_FLUSH_CHARS = 32 * 1024;

/** Harness → page: at most one message per frame or per this many characters. */
export const HARNESS_FLUSH_MS = 16;
export const HARNESS_FLUSH_CHARS = 64 * 1024;
