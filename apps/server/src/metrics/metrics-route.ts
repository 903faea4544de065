import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { ApiError } from '@interview/protocol';
import { bearerToken } from '../http/bearer-token.js';
import { passcodeMatches } from '../http/interviewer-passcode.js';

export interface MetricsRouteOptions {
  registry: Registry;
  /** When set, scrapes must send `Authorization: Bearer <token>`; null leaves /metrics open. */
  token: string | null;
}

/**
 * `GET /metrics` in the Prometheus text format. The token is compared in
 * constant time like the interviewer passcode, and is taken from a header
 * only: a query string would reach access logs. Every answer is `no-store`,
 * so no proxy serves one scrape's figures to the next or keeps them.
 */
export function metricsRoute({ registry, token }: MetricsRouteOptions): Router {
  const router = Router();
  router.get('/metrics', async (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    if (token !== null && !passcodeMatches(token, bearerToken(req) ?? undefined)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).json({ error: 'this server requires a bearer token for /metrics' } satisfies ApiError);
      return;
    }
    try {
      const text = await registry.metrics();
      res.setHeader('Content-Type', registry.contentType);
      res.send(text);
    } catch (error) {
      // A collector that failed (the rooms callback, say) is the app's error handler's to log.
      next(error);
    }
  });
  return router;
}
