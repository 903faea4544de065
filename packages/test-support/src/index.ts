export * from './chromium.js';
export * from './server-process.js';
export * from './wait.js';
export * from './nginx.js';
export * from './redis.js';
export * from './postgres.js';
export { freePort } from './local-service.js';
