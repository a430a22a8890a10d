import { must, type Schemas } from '../api/client.js';
import { download, formatDateTime, h, show } from '../dom.js';
import type { ScreenContext } from '../router.js';
import { button, heading, messageBar, problemBar, table } from '../ui.js';

type AuditEvent = Schemas['AuditEvent'];

const DEFAULT_PAGE_SIZE = 25;
const SUMMARY_LENGTH = 120;

/** The details of an event in one short line: `key: value` pairs, long ones cut. */
export function detailsSummary(details: Record<string, unknown>): string {
  const line = Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
  return line.length > SUMMARY_LENGTH ? `${line.slice(0, SUMMARY_LENGTH - 1)}…` : line || '—';
}

/**
 * The partner's audit log, newest first, a page at a time: Next follows the page's cursor, Previous goes
 * back along the cursors already followed. Export CSV downloads every event.
 */
export async function auditScreen(ctx: ScreenContext): Promise<Node> {
  const partnerId = ctx.params['partnerId']!;
  const limit = Number(ctx.query.get('limit')) || DEFAULT_PAGE_SIZE;
  // The cursor of each page shown so far; the last is the current page's (undefined: the first page).
  const cursors: (string | undefined)[] = [undefined];
  const region = h('div', { class: 'stack' });
  const status = h('div', {});

  const load = async () => {
    const cursor = cursors.at(-1);
    const page = await must(
      ctx.api.GET('/api/partners/{partnerId}/audit', {
        params: { path: { partnerId }, query: { limit, ...(cursor ? { cursor } : {}) } },
      }),
    );
    const pageNumber = cursors.length;
    show(
      region,
      table<AuditEvent>(
        `Audit log, page ${pageNumber}`,
        [
          { header: 'When', cell: (e) => h('time', { datetime: e.at }, formatDateTime(e.at)) },
          { header: 'Who', cell: (e) => e.actor.email ?? e.actor.subject },
          { header: 'Action', cell: (e) => h('code', {}, e.action) },
          { header: 'Target', cell: (e) => `${e.target.type} ${e.target.id}` },
          { header: 'Details', cell: (e) => detailsSummary(e.details) },
        ],
        page.items,
        'Nothing has happened yet.',
      ),
      h(
        'div',
        { class: 'actions pager', role: 'group', 'aria-label': 'Pages of the audit log' },
        h('span', {}, `Page ${pageNumber}`),
        pageNumber > 1
          ? button('Previous page', () => {
              cursors.pop();
              void turn();
            })
          : null,
        page.nextCursor
          ? button('Next page', () => {
              cursors.push(page.nextCursor!);
              void turn();
            })
          : null,
      ),
    );
  };
  const turn = () =>
    load()
      .then(() => region.querySelector<HTMLElement>('.table-wrap')?.focus())
      .catch((error: unknown) => show(status, problemBar(error)));

  const exportCsv = async () => {
    show(status);
    try {
      const csv = await must(
        ctx.api.GET('/api/partners/{partnerId}/audit.csv', {
          params: { path: { partnerId } },
          parseAs: 'text',
        }),
      );
      download(`${partnerId}-audit.csv`, 'text/csv', csv);
      show(status, messageBar('success', 'The audit log is downloaded as CSV.'));
    } catch (error) {
      show(status, problemBar(error));
    }
  };

  await load();
  return h(
    'section',
    {},
    heading(
      'Audit log',
      button('Export CSV', () => void exportCsv()),
    ),
    h('p', { class: 'lede' }, 'Who did what, and when: newest first.'),
    status,
    region,
  );
}
