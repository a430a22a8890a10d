import { must } from '../api/client.js';
import { download, formatDateTime, h, show } from '../dom.js';
import type { ScreenContext } from '../router.js';
import { badge, button, heading, messageBar, problemBar } from '../ui.js';
import { countFigures, loadAllRows, rowOutcomes, type BulkJob } from './bulk-rows.js';

const POLL_MS = 1_000;
const finished = (job: BulkJob) => job.status === 'completed' || job.status === 'completed-with-errors';

const STATUS_BADGE: Record<BulkJob['status'], Parameters<typeof badge>[1]> = {
  queued: 'informative',
  running: 'brand',
  completed: 'success',
  'completed-with-errors': 'warning',
};

/**
 * One bulk job: its counts, live while it runs (polled every second, and only while this screen is the one
 * shown), its emails by delivery state, then every row's outcome (filterable by code) and the results CSV.
 */
export async function bulkJobScreen(ctx: ScreenContext): Promise<Node> {
  const partnerId = ctx.params['partnerId']!;
  const jobId = ctx.params['jobId']!;
  const here = location.hash;
  const read = () =>
    must(
      ctx.api.GET('/api/partners/{partnerId}/bulk-assignments/{jobId}', {
        params: { path: { partnerId, jobId }, query: { limit: 1 } },
      }),
    );
  const first = await read();
  const status = h('p', { class: 'job-status' });
  const figures = h('div', {});
  const emails = h('div', {});
  const outcomes = h('section', { 'aria-labelledby': 'outcomes-title' });
  // Announced once, politely, when the job finishes (the figures themselves change quietly).
  const announcer = h('div', { class: 'visually-hidden', 'aria-live': 'polite', role: 'status' });

  const render = (job: BulkJob) => {
    show(
      status,
      badge(job.status.replace(/-/g, ' '), STATUS_BADGE[job.status]),
      ` ${job.dryRun ? 'Dry run' : 'Job'} started ${formatDateTime(job.createdAt)}`,
    );
    show(figures, countFigures(job.counts, job.dryRun));
    show(
      emails,
      job.emails
        ? h(
            'p',
            {},
            `Invitation emails: ${job.emails.queued} queued, ${job.emails.sent} sent, ${job.emails.failed} failed.`,
            job.emails.queued > 0
              ? ' The email service sends at most 30 a minute and 100 an hour: the rest follow later.'
              : '',
          )
        : null,
    );
  };

  const showOutcomes = async (job: BulkJob) => {
    announcer.textContent = `The job has finished: ${job.counts.succeeded} rows succeeded, ${job.counts.failed} failed, ${job.counts.skipped} skipped.`;
    const rows = await loadAllRows(ctx.api, partnerId, jobId);
    const results = button('Download results CSV', () => void downloadResults(), { appearance: 'primary' });
    show(
      outcomes,
      h('h2', { id: 'outcomes-title' }, 'Row outcomes'),
      h('div', { class: 'actions' }, results),
      rowOutcomes(rows, 'Row outcomes of the job'),
    );
  };

  const downloadResults = async () => {
    try {
      const csv = await must(
        ctx.api.GET('/api/partners/{partnerId}/bulk-assignments/{jobId}/results.csv', {
          params: { path: { partnerId, jobId } },
          parseAs: 'text',
        }),
      );
      download(`bulk-${jobId}-results.csv`, 'text/csv', csv);
    } catch (error) {
      outcomes.prepend(problemBar(error));
    }
  };

  const poll = async () => {
    // Leaving the screen (another hash) stops the polling.
    if (location.hash !== here) return;
    try {
      const job = await read();
      render(job);
      if (finished(job)) await showOutcomes(job);
      else setTimeout(() => void poll(), POLL_MS);
    } catch (error) {
      show(
        outcomes,
        problemBar(error),
        button('Try again', () => void poll()),
      );
    }
  };

  render(first);
  if (finished(first)) void showOutcomes(first);
  else {
    show(outcomes, messageBar('info', 'The job is running: the counts update by themselves.'));
    setTimeout(() => void poll(), POLL_MS);
  }
  return h(
    'section',
    {},
    heading(first.dryRun ? 'Bulk dry run' : 'Bulk job'),
    h(
      'p',
      { class: 'lede' },
      h('a', { href: `#/partners/${encodeURIComponent(partnerId)}/bulk` }, 'Upload another file'),
    ),
    status,
    figures,
    emails,
    outcomes,
    announcer,
  );
}
