/**
 * A bulk job: many rows, each associating a person, setting a Technical Contact slot and granting a
 * privilege through the same rules as the single endpoints. One bad row never fails the others, and
 * every row ends with an outcome.
 */
export const BULK_LIMITS = { maxRows: 10_000, maxBytes: 5 * 1024 * 1024, chunkSize: 100 } as const;

export type BulkJobStatus = 'queued' | 'running' | 'completed' | 'completed-with-errors';
export type RowOutcome = 'succeeded' | 'failed' | 'skipped';
export type RowAction = 'associated' | 'matched' | 'slot-set' | 'granted';

export interface BulkRowInput {
  email: string;
  firstName: string;
  lastName: string;
  notificationEmail?: string | undefined;
  technicalContact?: 'first' | 'second' | 'third' | undefined;
  privilege?: 'visual-studio-subscriptions' | 'msdn-subscriptions' | undefined;
}

export interface BulkJob {
  jobId: string;
  partnerId: string;
  dryRun: boolean;
  total: number;
  chunks: number;
  createdAt: string;
  createdBy: {
    issuer: string;
    subject: string;
    tenantId: string;
    objectId: string;
    email: string | null;
    roles: string[];
  };
  source: { format: 'csv' | 'json'; bytes: number; blobName: string | null };
  startedAt?: string | null;
}

export interface BulkRowResult {
  jobId: string;
  partnerId: string;
  /** 1-based, as a person counts rows in their file (the header not counted). */
  row: number;
  email: string | null;
  outcome: RowOutcome;
  code: string | null;
  message: string;
  actions: RowAction[];
  personId: string | null;
  assignmentId: string | null;
  finishedAt: string;
}

export interface BulkCounts {
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  pending: number;
}

/** The status follows from the counts, so no job can be left `running` by a lost update. */
export function jobStatus(counts: BulkCounts, started: boolean): BulkJobStatus {
  const done = counts.succeeded + counts.failed + counts.skipped;
  if (done >= counts.total) return counts.failed > 0 ? 'completed-with-errors' : 'completed';
  return done === 0 && !started ? 'queued' : 'running';
}

export const chunkCount = (rows: number, chunkSize: number = BULK_LIMITS.chunkSize) =>
  Math.ceil(rows / chunkSize);
