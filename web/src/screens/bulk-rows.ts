import { must, type Api, type Schemas } from '../api/client.js';
import { field, h, show } from '../dom.js';
import { badge, button, table } from '../ui.js';

export type BulkJob = Schemas['BulkJob'];
export type BulkRow = Schemas['BulkRowResult'];

const PAGE_SIZE = 50;
/** The API's largest page: the rows of a job are read in pages this size. */
const READ_PAGE = 200;

/** Every row outcome of a job so far, in row order, page by page. */
export async function loadAllRows(api: Api, partnerId: string, jobId: string): Promise<BulkRow[]> {
  const rows: BulkRow[] = [];
  let cursor: string | undefined;
  do {
    const job = await must(
      api.GET('/api/partners/{partnerId}/bulk-assignments/{jobId}', {
        params: {
          path: { partnerId, jobId },
          query: { limit: READ_PAGE, ...(cursor ? { cursor } : {}) },
        },
      }),
    );
    rows.push(...(job.rows?.items ?? []));
    cursor = job.rows?.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}

const OUTCOME_BADGE: Record<BulkRow['outcome'], Parameters<typeof badge>[1]> = {
  succeeded: 'success',
  failed: 'danger',
  skipped: 'warning',
};

/** The codes present in the rows, most frequent first, with how many rows carry each. */
export function codeCounts(rows: BulkRow[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const row of rows) if (row.code) counts.set(row.code, (counts.get(row.code) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** A job's counts as figures (total, succeeded, failed, skipped, pending). */
export function countFigures(counts: BulkJob['counts'], dryRun: boolean): HTMLElement {
  const figure = (label: string, value: number) =>
    h('div', { 'data-figure': label }, h('dt', {}, label), h('dd', {}, String(value)));
  return h(
    'dl',
    { class: 'figures' },
    figure('Rows', counts.total),
    figure(dryRun ? 'Would succeed' : 'Succeeded', counts.succeeded),
    figure(dryRun ? 'Would fail' : 'Failed', counts.failed),
    figure('Skipped', counts.skipped),
    figure('Pending', counts.pending),
  );
}

/**
 * The rows' outcomes: a select narrows them to one outcome or one code (those present), and they are
 * shown a page at a time. Filtering and paging happen here, on the rows already read.
 */
export function rowOutcomes(rows: BulkRow[], caption: string): HTMLElement {
  const select = h('select', { name: 'show' });
  const options: [string, string][] = [['all', `All rows (${rows.length})`]];
  for (const outcome of ['succeeded', 'failed', 'skipped'] as const) {
    const n = rows.filter((r) => r.outcome === outcome).length;
    if (n) options.push([`outcome:${outcome}`, `${outcome[0]!.toUpperCase()}${outcome.slice(1)} (${n})`]);
  }
  for (const [code, n] of codeCounts(rows)) options.push([`code:${code}`, `Code ${code} (${n})`]);
  for (const [value, label] of options) select.append(h('option', { value }, label));

  const body = h('div', {});
  const status = h('p', { class: 'hint', 'aria-live': 'polite' });
  let pageIndex = 0;
  const chosen = () => {
    const [kind, value] = select.value.split(/:(.*)/s);
    if (kind === 'outcome') return rows.filter((r) => r.outcome === value);
    if (kind === 'code') return rows.filter((r) => r.code === value);
    return rows;
  };
  const render = () => {
    const shown = chosen();
    const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    pageIndex = Math.min(pageIndex, pages - 1);
    const from = pageIndex * PAGE_SIZE;
    const slice = shown.slice(from, from + PAGE_SIZE);
    status.textContent = shown.length
      ? `Rows ${from + 1}–${from + slice.length} of ${shown.length} shown.`
      : 'No row matches.';
    const previous = button('Previous page', () => {
      pageIndex--;
      render();
    });
    const next = button('Next page', () => {
      pageIndex++;
      render();
    });
    if (pageIndex === 0) disable(previous);
    if (pageIndex >= pages - 1) disable(next);
    show(
      body,
      table(
        caption,
        [
          { header: 'Row', cell: (r: BulkRow) => String(r.row) },
          { header: 'Email', cell: (r) => r.email ?? '—' },
          { header: 'Outcome', cell: (r) => badge(r.outcome, OUTCOME_BADGE[r.outcome]) },
          { header: 'Code', cell: (r) => (r.code ? h('code', {}, r.code) : '—') },
          { header: 'Message', cell: (r) => r.message },
        ],
        slice,
        'No row matches.',
      ),
      pages > 1 ? h('div', { class: 'pager' }, previous, next) : null,
    );
  };
  select.addEventListener('change', () => {
    pageIndex = 0;
    render();
  });
  render();
  return h('div', { class: 'stack' }, h('div', { class: 'row' }, field('Show', select)), status, body);
}

/** A Fluent button that cannot be pressed, said so to assistive technology too. */
export function disable(element: HTMLElement, disabled = true): void {
  element.toggleAttribute('disabled', disabled);
  if (disabled) element.setAttribute('aria-disabled', 'true');
  else element.removeAttribute('aria-disabled');
}

export const formatBytes = (bytes: number) =>
  bytes < 1024
    ? `${bytes} bytes`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
