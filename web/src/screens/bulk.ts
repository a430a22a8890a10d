import { must } from '../api/client.js';
import { download, field, h, show } from '../dom.js';
import type { ScreenContext } from '../router.js';
import { button, heading, loading, messageBar, problemBar } from '../ui.js';
import { countFigures, disable, formatBytes, loadAllRows, rowOutcomes, type BulkJob } from './bulk-rows.js';

/** The upload's limits (docs/api.md); the API refuses more with 413 in any case. */
const MAX_BYTES = 5 * 1024 * 1024;
const MAX_ROWS = 10_000;
const TEMPLATE_NAME = 'bulk-assignments-template.csv';

interface Chosen {
  name: string;
  bytes: number;
  text: string;
  rows: number;
}

/** Data rows of a CSV: its non-empty lines, less the header (a quoted line break may make this approximate). */
const rowCount = (text: string) => Math.max(0, text.split(/\r\n|\n|\r/).filter((l) => l.trim()).length - 1);
const isCsv = (file: File) =>
  /\.csv$/i.test(file.name) || file.type === 'text/csv' || file.type === 'application/vnd.ms-excel';

/**
 * Bulk upload: the template to download, a CSV picked or dropped, a dry run whose per-row outcomes are
 * shown, then (for that same file only) the real run, which continues on the job's own screen.
 */
export function bulkScreen(ctx: ScreenContext): Node {
  const partnerId = ctx.params['partnerId']!;
  let chosen: Chosen | undefined;
  let checked: { text: string; job: BulkJob } | undefined;

  const fileStatus = h('div', { class: 'file-status', 'aria-live': 'polite' });
  const result = h('section', { class: 'stack', 'aria-label': 'Dry run' });
  const runStatus = h('div', {});

  const input = h('input', { type: 'file', accept: '.csv,text/csv', name: 'file' });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void take(file);
  });
  const zone = h(
    'div',
    { class: 'drop-zone', role: 'region', 'aria-label': 'Drop a CSV file here' },
    h('p', {}, 'Or drop a CSV file here.'),
  );
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('drag-over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('drag-over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('drag-over');
    const file = event.dataTransfer?.files[0];
    if (file) void take(file);
  });

  const check = button('Check (dry run)', () => void dryRun(), { appearance: 'primary' });
  const run = button('Run it', () => void runIt());
  disable(check);
  disable(run);

  async function take(file: File): Promise<void> {
    chosen = undefined;
    disable(check);
    disable(run);
    show(result);
    show(runStatus);
    if (!isCsv(file)) {
      show(
        fileStatus,
        messageBar('error', `${file.name} is not a CSV file. Choose a .csv file, as the template is.`),
      );
      return;
    }
    if (file.size > MAX_BYTES) {
      show(
        fileStatus,
        messageBar(
          'error',
          `${file.name} is ${formatBytes(file.size)}: an upload takes at most 5 MB. Split it into smaller files.`,
        ),
      );
      return;
    }
    const text = await file.text();
    const rows = rowCount(text);
    const facts = h(
      'p',
      { class: 'file-facts' },
      `${file.name} · ${formatBytes(file.size)} · ${rows} row${rows === 1 ? '' : 's'}`,
    );
    if (rows === 0 || rows > MAX_ROWS) {
      const why = rows === 0 ? 'it has no rows under the header' : `an upload takes at most ${MAX_ROWS} rows`;
      show(fileStatus, facts, messageBar('error', `This file cannot be uploaded: ${why}.`));
      return;
    }
    chosen = { name: file.name, bytes: file.size, text, rows };
    show(fileStatus, facts, h('p', { class: 'hint' }, 'Check it with a dry run first: nothing is changed.'));
    disable(check, false);
  }

  const post = (text: string, dry: boolean) =>
    must(
      ctx.api.POST('/api/partners/{partnerId}/bulk-assignments', {
        params: { path: { partnerId }, query: dry ? { dryRun: 'true' } : {} },
        body: text as never,
        bodySerializer: (b: unknown) => b as string,
        headers: { 'content-type': 'text/csv' },
      }),
    );

  async function dryRun(): Promise<void> {
    const file = chosen;
    if (!file) return;
    disable(check);
    disable(run);
    show(result, loading('the dry run'));
    try {
      let job = await post(file.text, true);
      while (!job.status.startsWith('completed')) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        job = await must(
          ctx.api.GET('/api/partners/{partnerId}/bulk-assignments/{jobId}', {
            params: { path: { partnerId, jobId: job.jobId }, query: { limit: 1 } },
          }),
        );
      }
      const rows = await loadAllRows(ctx.api, partnerId, job.jobId);
      if (chosen !== file) return; // another file was chosen meanwhile
      checked = { text: file.text, job };
      const { succeeded, failed, skipped } = job.counts;
      show(
        result,
        h('h2', {}, 'Dry run'),
        messageBar(
          failed ? 'warning' : 'success',
          `Dry run of ${file.name}: ${succeeded} row${succeeded === 1 ? '' : 's'} would succeed, ${failed} would fail` +
            `${skipped ? `, ${skipped} would be skipped` : ''}. Nothing was changed.`,
        ),
        countFigures(job.counts, true),
        rowOutcomes(rows, 'Dry run outcomes by row'),
      );
      disable(run, false);
    } catch (error) {
      show(result, problemBar(error));
    } finally {
      if (chosen) disable(check, false);
    }
  }

  async function runIt(): Promise<void> {
    const file = chosen;
    if (!file || !checked || checked.text !== file.text) return;
    disable(run);
    show(runStatus, loading('the upload'));
    try {
      const job = await post(file.text, false);
      ctx.navigate(`#/partners/${encodeURIComponent(partnerId)}/bulk/${encodeURIComponent(job.jobId)}`);
    } catch (error) {
      show(runStatus, problemBar(error));
      disable(run, false);
    }
  }

  const templateStatus = h('div', {});
  const template = button('Download the template', () => {
    show(templateStatus);
    must(ctx.api.GET('/api/bulk-assignments/template.csv', { parseAs: 'text' }))
      .then((csv) => download(TEMPLATE_NAME, 'text/csv', csv))
      .catch((error: unknown) => show(templateStatus, problemBar(error)));
  });

  return h(
    'section',
    { class: 'stack' },
    heading('Bulk upload', template),
    h(
      'p',
      { class: 'lede' },
      'Associate people, set Technical Contact slots and grant subscriptions from one CSV file: ' +
        `email, first name and last name are needed; at most ${MAX_ROWS} rows and 5 MB. ` +
        'One bad row never stops the others.',
    ),
    templateStatus,
    h(
      'div',
      { class: 'upload stack' },
      field('CSV file', input, 'The header must be the template’s first line.'),
      zone,
      fileStatus,
      h('div', { class: 'actions' }, check, run),
      runStatus,
    ),
    result,
  );
}
