export * from './api.js';
export * from './close-codes.js';
export * from './document-channels.js';
export * from './frames.js';
export * from './message-types.js';
export * from './questions.js';
export * from './room-document.js';
export * from './room-events.js';
