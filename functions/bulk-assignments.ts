import { app } from '@azure/functions';
import { failBulkChunk, processBulkChunk } from '../shared/app/bulk/run.js';
import { getBulkJob, listBulkRows } from '../shared/app/bulk/results.js';
import { submitBulkJob } from '../shared/app/bulk/submit.js';
import { bulkTemplate } from '../shared/app/bulk/template.js';
import type { BulkRowResult } from '../shared/domain/bulk.js';
import { bulkAssignmentsQueue } from '../shared/app/queues/bulk-assignments.js';
import { bulkDeps, endpoint, queueHandler } from '../shared/root.js';
import { callContext } from '../shared/http/request.js';
import { accepted, ok } from '../shared/http/responses.js';
import { csvResponse, toCsv } from '../shared/http/csv.js';
import * as contract from '../shared/http/contract/bulk.js';

const jobLocation = (partnerId: string, jobId: string) =>
  `/api/partners/${partnerId}/bulk-assignments/${jobId}`;

export const bulkCreate = endpoint(contract.submitBulk, async (input) => {
  const { partnerId } = input.params;
  const isCsv = (input.request.headers.get('content-type') ?? '').toLowerCase().startsWith('text/csv');
  const job = await submitBulkJob(
    bulkDeps(),
    callContext(input),
    partnerId,
    { rows: input.body.rows, format: isCsv ? 'csv' : 'json', raw: Buffer.from(input.rawBody ?? '') },
    { dryRun: input.query.dryRun },
  );
  return accepted(job, jobLocation(partnerId, job.jobId));
});

export const bulkGet = endpoint(contract.getBulk, async (input) => {
  const { partnerId, jobId } = input.params;
  const ctx = callContext(input);
  const job = await getBulkJob(bulkDeps(), ctx, partnerId, jobId);
  const { outcome, limit, cursor } = input.query;
  const rows = await listBulkRows(bulkDeps(), ctx, partnerId, jobId, { outcome }, { limit, cursor });
  return ok({ ...job, rows });
});

const RESULT_COLUMNS = ['row', 'email', 'outcome', 'code', 'message', 'actions', 'personId', 'assignmentId'];

export const bulkResults = endpoint(contract.bulkResultsCsv, async (input) => {
  const { partnerId, jobId } = input.params;
  const ctx = callContext(input);
  const rows: BulkRowResult[] = [];
  let cursor: string | undefined;
  do {
    const page = await listBulkRows(bulkDeps(), ctx, partnerId, jobId, {}, { limit: 200, cursor });
    rows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const csv = toCsv(
    RESULT_COLUMNS,
    rows.map((r) => [
      r.row,
      r.email,
      r.outcome,
      r.code,
      r.message,
      r.actions.join(' '),
      r.personId,
      r.assignmentId,
    ]),
  );
  return csvResponse(csv, `${jobId}-results.csv`);
});

export const bulkTemplateGet = endpoint(contract.bulkTemplateCsv, async () => {
  const { columns, example } = bulkTemplate();
  return csvResponse(toCsv(columns, [example]), 'bulk-assignments-template.csv');
});

/**
 * One chunk of a bulk job. Failures are thrown so the host retries; on the last attempt the chunk's rows
 * are marked failed and the job moves on, then the host moves the message to `bulk-assignments-poison`.
 */
export const bulkAssignmentsChunk = queueHandler(bulkAssignmentsQueue, {
  handle: (message) => processBulkChunk(bulkDeps(), message),
  onLastAttempt: (message, reason) => failBulkChunk(bulkDeps(), message, reason),
});

app.storageQueue(bulkAssignmentsQueue.name, {
  queueName: bulkAssignmentsQueue.name,
  connection: 'AzureWebJobsStorage',
  handler: bulkAssignmentsChunk,
});

app.http(contract.submitBulk.name, bulkCreate);
app.http(contract.getBulk.name, bulkGet);
app.http(contract.bulkResultsCsv.name, bulkResults);
app.http(contract.bulkTemplateCsv.name, bulkTemplateGet);
