export * from './chromium.js';
export * from './server-process.js';
export * from './wait.js';
