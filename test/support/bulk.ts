import { testApp, type createPartner } from './app.js';
import { eventually } from './eventually.js';

export interface RowResult {
  row: number;
  email: string | null;
  outcome: 'succeeded' | 'failed' | 'skipped';
  code: string | null;
  message: string;
  actions: string[];
  assignmentId: string | null;
}

type Partner = Awaited<ReturnType<typeof createPartner>>;

/** Every row outcome of a bulk job, page by page, as a portal would read them. */
export async function allRows(p: Partner, jobId: string): Promise<RowResult[]> {
  const rows: RowResult[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { rows: { items: RowResult[]; nextCursor: string | null } } } =
      await testApp().api.request<{ rows: { items: RowResult[]; nextCursor: string | null } }>(
        'GET',
        `${p.base}/bulk-assignments/${jobId}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { as: p.admin },
      );
    rows.push(...page.body.rows.items);
    cursor = page.body.rows.nextCursor;
  } while (cursor);
  return rows;
}

/** A bulk job as its URL answers it. */
export interface BulkJobBody {
  jobId: string;
  status: string;
  dryRun: boolean;
  counts: { total: number; succeeded: number; failed: number; skipped: number; pending: number };
  rows: { items: RowResult[]; nextCursor: string | null };
  code?: string;
  detail?: string;
}

export const BULK_CSV_HEADER = 'email,firstName,lastName,notificationEmail,technicalContact,privilege';

/** A CSV bulk file: the header, then `rows` lines, each made by `line` from the row's 0-based index. */
export function bulkCsv(rows: number, line: (i: number) => string): string {
  return [BULK_CSV_HEADER, ...Array.from({ length: rows }, (_, i) => line(i))].join('\n');
}

/** Uploads a bulk job as its administrator: a string as CSV, anything else as JSON. */
export function uploadBulk(
  p: Partner,
  body: string | object,
  options: { dryRun?: boolean; contentType?: string } = {},
) {
  const isText = typeof body === 'string';
  return testApp().api.request<BulkJobBody>(
    'POST',
    `${p.base}/bulk-assignments${options.dryRun ? '?dryRun=true' : ''}`,
    {
      as: p.admin,
      ...(isText ? { rawBody: body } : { body }),
      headers: { 'content-type': options.contentType ?? (isText ? 'text/csv' : 'application/json') },
    },
  );
}

/** Waits for a bulk job to complete (reads that fail, as while a dependency is down, are waited past) and returns it. */
export async function bulkJobFinished(
  p: Partner,
  jobId: string,
  timeoutMs = 120_000,
  what = `bulk job ${jobId} to complete`,
): Promise<BulkJobBody> {
  return eventually(
    async () => {
      const job = await testApp().api.request<BulkJobBody>(
        'GET',
        `${p.base}/bulk-assignments/${jobId}?limit=1`,
        { as: p.admin },
      );
      return job.status === 200 && job.body.status.startsWith('completed') ? job.body : undefined;
    },
    { timeoutMs, intervalMs: 500, what },
  );
}
