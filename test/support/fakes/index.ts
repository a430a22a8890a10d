/**
 * Hand-written in-memory fakes of the application ports (no mocking library). Every stored value is
 * copied in and out with structuredClone, so a use case that forgets to write a change back, or that
 * mutates what it read, is caught the way a real store would catch it.
 */
export * from './bulk.js';
export * from './idempotency.js';
export * from './messaging.js';
export * from './partition.js';
export * from './repositories.js';
