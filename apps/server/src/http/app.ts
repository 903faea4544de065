import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type Request } from 'express';
import type { ApiError, ClientConfig } from '@interview/protocol';
import { errorFields, type Logger } from '../log.js';
import type { RoomDirectory } from '../rooms/room-directory.js';
import type { RoomStore } from '../storage/room-store.js';
import { apiRoutes, type ApiOptions } from './api-routes.js';
import { bodyFailure, requireJsonBody } from './body-errors.js';
import { SlidingWindowLimit } from './sliding-window-limit.js';
import type { Registry } from 'prom-client';
import { metricsRoute } from '../metrics/metrics-route.js';
import { requestLog } from './request-log.js';
import { runnerRoutes, type PyodideAssets, type RunnerHarness } from './runner-routes.js';
import { appCsp, securityHeaders } from './security-headers.js';

export interface HttpAppOptions {
  directory: RoomDirectory;
  store: RoomStore;
  logger: Logger;
  publicUrl: string | null;
  webDistDir: string;
  pyodide: PyodideAssets;
  harnesses: Record<string, RunnerHarness | null>;
  /** INTERVIEWER_PASSCODE: null when the instance is open. */
  interviewerPasscode: string | null;
  /** PASSCODE_ATTEMPTS_PER_MINUTE: wrong passcodes accepted per client address per minute. */
  passcodeAttemptsPerMinute: number;
  /** ROOMS_PER_ADDRESS_PER_MINUTE: rooms one client address may create per minute. */
  roomsPerAddressPerMinute: number;
  /** MAX_RUN_OUTPUT_CHARS, which the browser's runner must stay under. */
  maxRunOutputChars: number;
  /** MAX_MESSAGE_BYTES and MAX_DOCUMENT_BYTES, which the browser's editors keep edits under. */
  maxMessageBytes: number;
  maxDocumentBytes: number;
  /** Which proxies' X-Forwarded-* headers to believe (express's `trust proxy`); none when absent. */
  trustProxy?: false | number | string[];
  /** Served at /metrics; absent, there is no /metrics. */
  metrics?: { registry: Registry; roomCreated(): void };
  /** METRICS_TOKEN: when set, /metrics needs it as a bearer token. */
  metricsToken?: string | null;
  /** Tells the relay that an interview was ended or reopened (after it is stored). */
  statusChanged: ApiOptions['statusChanged'];
  /** The relay's clock, for what the API stamps; the system clock when absent. */
  clock?: () => Date;
  deployment?: ApiOptions['deployment'];
}

/** Page routes of the single-page app; anything else that is not a file is a 404. */
const PAGE_ROUTES = ['/', '/questions', '/r/:roomId', '/r/:roomId/review'];

/** Express: the JSON API, the built web app and its assets, with security headers. */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const { logger, webDistDir } = options;
  const app = express();
  app.disable('x-powered-by');
  // Decides req.ip (limits per address) and req.protocol and host (the links handed out).
  app.set('trust proxy', options.trustProxy ?? false);
  app.set('etag', 'strong');
  app.use(requestLog(logger));
  app.use(securityHeaders);
  app.use('/api', requireJsonBody);
  // Questions carry a statement and starter code; everything else is small.
  app.use('/api/questions', express.json({ limit: '256kb', strict: true }));
  app.use(express.json({ limit: '16kb', strict: true }));

  // req.protocol and req.host follow X-Forwarded-Proto and -Host from a proxy TRUST_PROXY names.
  const baseUrl = (req: Request): string => options.publicUrl ?? `${req.protocol}://${req.host ?? 'localhost'}`;
  const { interviewerPasscode } = options;
  const failedPasscodes = new SlidingWindowLimit({ maxEvents: options.passcodeAttemptsPerMinute, windowMs: 60_000 });
  app.use(
    apiRoutes({
      directory: options.directory,
      store: options.store,
      logger,
      baseUrl,
      interviewerPasscode,
      failedPasscodes,
      roomCreations: new SlidingWindowLimit({ maxEvents: options.roomsPerAddressPerMinute, windowMs: 60_000 }),
      roomCreated: () => options.metrics?.roomCreated(),
      statusChanged: options.statusChanged,
      clock: options.clock ?? (() => new Date()),
      deployment: options.deployment,
    }),
  );
  if (options.metrics) app.use(metricsRoute({ registry: options.metrics.registry, token: options.metricsToken ?? null }));
  app.get('/api/config', (_req, res) => {
    res.json({
      pyodideBaseUrl: options.pyodide.baseUrl,
      passcodeRequired: interviewerPasscode !== null,
      maxRunOutputChars: options.maxRunOutputChars,
      maxMessageBytes: options.maxMessageBytes,
      maxDocumentBytes: options.maxDocumentBytes,
    } satisfies ClientConfig);
  });
  app.use(runnerRoutes({ pyodide: options.pyodide, harnesses: options.harnesses, logger }));
  app.all('/api/*path', (_req, res) => {
    res.status(404).json({ error: 'no such API endpoint' } satisfies ApiError);
  });

  const indexHtml = join(webDistDir, 'index.html');
  const serviceWorker = join(webDistDir, 'sw.js');
  if (existsSync(indexHtml)) {
    // Hashed file names never change content: cache them for a year.
    app.use('/assets', express.static(join(webDistDir, 'assets'), { immutable: true, maxAge: '1y', index: false }));
    // A Pyodide mirror on another origin is where the page downloads the runtime from.
    const mirror = /^https?:\/\//.test(options.pyodide.baseUrl) ? [new URL(options.pyodide.baseUrl).origin] : [];
    const pageCsp = appCsp(mirror);
    app.use(
      express.static(webDistDir, {
        index: false,
        maxAge: 0,
        setHeaders(res, path) {
          // A worker's policy is the one its script arrives with: the service
          // worker fetches the app's files (and the mirror's) as the page does.
          if (path === serviceWorker) res.setHeader('Content-Security-Policy', pageCsp);
        },
      }),
    );
    const sendPage = (res: express.Response, status: number) => {
      res.status(status);
      res.setHeader('Content-Security-Policy', pageCsp);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(indexHtml);
    };
    app.get(PAGE_ROUTES, (_req, res) => sendPage(res, 200));
    // A browser asking for a page that does not exist gets the app's own
    // "page not found" view, still with a 404 status.
    app.get('/*path', (req, res, next) => {
      if (req.accepts(['json', 'html']) === 'html') sendPage(res, 404);
      else next();
    });
  } else {
    logger.warn('web-app-missing', { webDistDir, hint: 'run "pnpm build" to build the web app' });
  }

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' } satisfies ApiError);
  });

  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    // A body the client sent wrong is its fault and not logged beyond the
    // request log's line: the parser's message may quote the body.
    const failure = bodyFailure(error);
    if (failure) {
      res.status(failure.status).json({ error: failure.error } satisfies ApiError);
      return;
    }
    // Other client faults express detects itself, such as a path that is not valid percent-encoding.
    const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500;
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: 'the request is malformed' } satisfies ApiError);
      return;
    }
    // The path without its query string, which may carry a token.
    logger.error('request-failed', { method: req.method, path: req.originalUrl.split('?')[0], ...errorFields(error) });
    res.status(500).json({ error: 'internal error' } satisfies ApiError);
  };
  app.use(onError);
  return app;
}
