import { inject } from 'vitest';

// Integration tests use the app's own adapters in-process: point their configuration at the test stack.
Object.assign(process.env, inject('stack').appEnv);
