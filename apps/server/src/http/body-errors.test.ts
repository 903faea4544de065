import { describe, expect, it } from 'vitest';
import { bodyFailure } from './body-errors.js';

/** An error shaped as express's body parser throws them (http-errors with a `type`). */
function parserError(type: string, fields: Record<string, unknown> = {}, message = 'x'): Error {
  return Object.assign(new Error(message), { type, ...fields });
}

describe('bodyFailure', () => {
  it('answers malformed JSON with 400 and the parser’s reason', () => {
    const failure = bodyFailure(parserError('entity.parse.failed', { status: 400 }, 'Unexpected end of JSON input'));
    expect(failure).toEqual({ status: 400, error: expect.stringMatching(/not valid JSON.*Unexpected end of JSON input/) });
  });

  it('cuts a long parser message so a large body is not echoed whole', () => {
    const failure = bodyFailure(parserError('entity.parse.failed', {}, `Unexpected token "${'a'.repeat(10_000)}"`));
    expect(failure!.error.length).toBeLessThan(300);
  });

  it('answers a body over the limit with 413 naming the limit', () => {
    expect(bodyFailure(parserError('entity.too.large', { limit: 16 * 1024 }))).toEqual({
      status: 413,
      error: expect.stringMatching(/too large.*16 KiB/),
    });
    expect(bodyFailure(parserError('entity.too.large', { limit: 1000 }))!.error).toMatch(/1000 bytes/);
    expect(bodyFailure(parserError('entity.too.large'))!.status).toBe(413);
  });

  it('answers an unsupported charset or encoding with 415', () => {
    expect(bodyFailure(parserError('charset.unsupported'))!.status).toBe(415);
    expect(bodyFailure(parserError('encoding.unsupported'))!.status).toBe(415);
  });

  it('answers a body cut short with 400', () => {
    expect(bodyFailure(parserError('request.aborted'))!.status).toBe(400);
    expect(bodyFailure(parserError('request.size.invalid'))!.status).toBe(400);
  });

  it('leaves every other error to the server-fault path', () => {
    expect(bodyFailure(new Error('database is locked'))).toBeNull();
    expect(bodyFailure(Object.assign(new Error('decode'), { status: 400 }))).toBeNull();
    expect(bodyFailure('a string')).toBeNull();
    expect(bodyFailure(null)).toBeNull();
    expect(bodyFailure(undefined)).toBeNull();
  });
});
