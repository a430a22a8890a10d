import { testApp, type createPartner } from './app.js';

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
