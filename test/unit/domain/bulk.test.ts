import { describe, expect, it } from 'vitest';
import { BULK_LIMITS, chunkCount, jobStatus, type BulkCounts } from '../../../shared/domain/bulk.js';

const counts = (overrides: Partial<BulkCounts> = {}): BulkCounts => {
  const base = { total: 10, succeeded: 0, failed: 0, skipped: 0, ...overrides };
  return { pending: base.total - base.succeeded - base.failed - base.skipped, ...base };
};

describe('BULK_LIMITS', () => {
  it('takes at most 10,000 rows and 5 MB per job, in chunks of 100', () => {
    expect(BULK_LIMITS).toEqual({ maxRows: 10_000, maxBytes: 5_242_880, chunkSize: 100 });
  });
});

describe('jobStatus', () => {
  it('is queued when no row is done and the job has not started', () => {
    expect(jobStatus(counts(), false)).toBe('queued');
  });

  it('is running once the job has started, even before any row is done', () => {
    expect(jobStatus(counts(), true)).toBe('running');
  });

  it.each([
    ['succeeded', { succeeded: 3 }],
    ['failed', { failed: 3 }],
    ['skipped', { skipped: 3 }],
    ['a mix', { succeeded: 1, failed: 1, skipped: 1 }],
  ])('is running when some rows are done (%s) and others are not, started or not', (_, done) => {
    expect(jobStatus(counts(done), false)).toBe('running');
    expect(jobStatus(counts(done), true)).toBe('running');
  });

  it('is running when all but one row are done', () => {
    expect(jobStatus(counts({ succeeded: 9 }), true)).toBe('running');
    expect(jobStatus(counts({ failed: 9 }), true)).toBe('running');
  });

  it('is completed when every row succeeded', () => {
    expect(jobStatus(counts({ succeeded: 10 }), true)).toBe('completed');
    expect(jobStatus(counts({ succeeded: 10 }), false)).toBe('completed');
  });

  it('is completed when every row was skipped', () => {
    expect(jobStatus(counts({ skipped: 10 }), true)).toBe('completed');
    expect(jobStatus(counts({ skipped: 10 }), false)).toBe('completed');
  });

  it('is completed when every row succeeded or was skipped', () => {
    expect(jobStatus(counts({ succeeded: 4, skipped: 6 }), true)).toBe('completed');
  });

  it('is completed-with-errors when every row is done and one failed', () => {
    expect(jobStatus(counts({ succeeded: 9, failed: 1 }), true)).toBe('completed-with-errors');
    expect(jobStatus(counts({ succeeded: 9, failed: 1 }), false)).toBe('completed-with-errors');
  });

  it('is completed-with-errors when every row failed', () => {
    expect(jobStatus(counts({ failed: 10 }), true)).toBe('completed-with-errors');
  });

  it('is completed-with-errors when rows failed and the rest were skipped', () => {
    expect(jobStatus(counts({ failed: 2, skipped: 8 }), false)).toBe('completed-with-errors');
  });

  it('treats a one-row job like any other', () => {
    expect(jobStatus(counts({ total: 1 }), false)).toBe('queued');
    expect(jobStatus(counts({ total: 1 }), true)).toBe('running');
    expect(jobStatus(counts({ total: 1, succeeded: 1 }), true)).toBe('completed');
    expect(jobStatus(counts({ total: 1, skipped: 1 }), true)).toBe('completed');
    expect(jobStatus(counts({ total: 1, failed: 1 }), true)).toBe('completed-with-errors');
  });
});

describe('chunkCount', () => {
  it.each([
    [0, 0],
    [1, 1],
    [99, 1],
    [100, 1],
    [101, 2],
    [200, 2],
    [250, 3],
    [10_000, 100],
  ])('puts %i rows into %i chunks of 100', (rows, chunks) => {
    expect(chunkCount(rows)).toBe(chunks);
  });

  it('takes another chunk size', () => {
    expect(chunkCount(10, 3)).toBe(4);
    expect(chunkCount(9, 3)).toBe(3);
    expect(chunkCount(1, 1)).toBe(1);
  });
});
