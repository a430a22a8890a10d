import { expect } from 'vitest';
import type { z } from 'zod';

/** Parses and returns the issues' paths, failing if the value is accepted. */
export function rejectedPaths(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  expect(result.success, `expected ${JSON.stringify(value)} to be rejected`).toBe(false);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

/** Parses and returns the output, failing with the issues if the value is refused. */
export function accepted<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  expect(result.success, result.success ? '' : JSON.stringify(result.error.issues)).toBe(true);
  return result.data as z.output<S>;
}
