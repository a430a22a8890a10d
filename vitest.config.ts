import { defineConfig } from 'vitest/config';

/**
 * Three kinds of tests: unit (pure, no I/O), service tests that start the one stand-in they test,
 * and app tests (integration against the emulators, end-to-end over HTTP) that share one local stack
 * started on free ports by a global setup, so they never collide with a running `npm start`.
 */
export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        test: {
          name: 'unit',
          // test/architecture checks the layering rules themselves (scratch files, no services).
          include: ['test/unit/**/*.test.ts', 'test/architecture/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'services',
          // The dev host is its own workspace package, with its own tests and fixture app.
          include: ['packages/functions-devhost/test/**/*.test.ts', 'test/integration/services/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // Compiles infra/main.bicep once; each arm-*.test.ts checks one concern of the template.
          globalSetup: ['test/setup/arm-template.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'app',
          include: ['test/integration/app/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          globalSetup: ['test/setup/stack.ts'],
          setupFiles: ['test/setup/app-env.ts'],
          // One stack is shared: files run one after another so fault injection in one cannot leak into another.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          // The admin console and the subscriber pages in Debian's Chromium, against their own stack.
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/setup/stack.ts'],
          setupFiles: ['test/setup/app-env.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'faults',
          // Outages, crashes and redelivery against their own stack, after the others.
          include: ['test/faults/**/*.test.ts'],
          globalSetup: ['test/setup/fault-stack.ts'],
          setupFiles: ['test/setup/app-env.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
