import type { RequestHandler } from 'express';
import type { Logger } from '../log.js';

/**
 * One debug line per HTTP request: method, path, status, time. Never the
 * query string or headers, which may carry secrets.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      logger.debug('http-request', {
        method: req.method,
        // originalUrl, not path: routers mounted on a prefix strip it from req.path.
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
    });
    next();
  };
}
