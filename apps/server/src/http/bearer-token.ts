import type { Request } from 'express';

/**
 * The token of an `Authorization: Bearer <token>` header, or null. The
 * scheme is matched case-insensitively, as HTTP authentication schemes are.
 */
export function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match?.[1] ?? null;
}
