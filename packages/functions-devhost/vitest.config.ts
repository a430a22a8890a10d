import { defineConfig } from 'vitest/config';

/** `npm test -w functions-devhost`: the package alone. The root's `services` project runs the same files. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
