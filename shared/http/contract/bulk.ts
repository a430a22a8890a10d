import { z } from 'zod';
import { BULK_LIMITS } from '../../domain/bulk.js';
import type { EndpointSpec } from '../endpoint.js';
import {
  BooleanQuerySchema,
  CursorSchema,
  IdSegmentSchema,
  LimitSchema,
  PartnerIdSchema,
  PartnerPathSchema,
  pageOf,
} from './common.js';

const JobPathSchema = z.strictObject({ partnerId: PartnerIdSchema, jobId: IdSegmentSchema });

/** Rows are checked one by one when the job runs, so one bad row never fails the upload. */
export const BulkUploadBody = z.strictObject({ rows: z.array(z.unknown()) }).meta({
  id: 'BulkUpload',
  description: `JSON rows {email, firstName, lastName, notificationEmail?, technicalContact?, privilege?}, or text/csv with that header. At most ${BULK_LIMITS.maxRows} rows and 5 MB.`,
});

const RowResultSchema = z
  .object({
    row: z.number().int(),
    email: z.string().nullable(),
    outcome: z.enum(['succeeded', 'failed', 'skipped']),
    code: z.string().nullable(),
    message: z.string(),
    actions: z.array(z.enum(['associated', 'matched', 'slot-set', 'granted'])),
    personId: z.string().nullable(),
    assignmentId: z.string().nullable(),
    finishedAt: z.string(),
  })
  .meta({ id: 'BulkRowResult' });

export const BulkJobSchema = z
  .object({
    jobId: z.string(),
    partnerId: z.string(),
    dryRun: z.boolean(),
    status: z.enum(['queued', 'running', 'completed', 'completed-with-errors']),
    counts: z.object({
      total: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
      skipped: z.number().int(),
      pending: z.number().int(),
    }),
    emails: z
      .object({ queued: z.number().int(), sent: z.number().int(), failed: z.number().int() })
      .nullable()
      .meta({
        description:
          "The job's invitation emails by delivery state (null for a dry run). Communication Services' default quota is 30 emails a minute and 100 an hour, so emails can trail the rows.",
      }),
    createdAt: z.string(),
    rows: pageOf(RowResultSchema, 'BulkRowPage').optional(),
  })
  .meta({ id: 'BulkJob' });

export const submitBulk = {
  name: 'bulk-create',
  method: 'POST',
  route: 'partners/{partnerId}/bulk-assignments',
  summary: 'Upload rows to associate, set slots and grant in bulk; ?dryRun=true only validates',
  tags: ['bulk'],
  access: 'authenticated',
  params: PartnerPathSchema,
  query: z.strictObject({ dryRun: BooleanQuerySchema }),
  body: BulkUploadBody,
  bodyFormat: 'csv-or-json',
  maxBodyBytes: BULK_LIMITS.maxBytes,
  responses: { 202: { description: 'Accepted; poll the Location', schema: BulkJobSchema } },
  errors: ['payload-too-large', 'unsupported-media-type', 'validation-failed', 'idempotency-key-reused'],
} as const satisfies EndpointSpec;

export const getBulk = {
  name: 'bulk-get',
  method: 'GET',
  route: 'partners/{partnerId}/bulk-assignments/{jobId}',
  summary: 'Status, counts and per-row outcomes (paged)',
  tags: ['bulk'],
  access: 'authenticated',
  params: JobPathSchema,
  query: z.strictObject({
    outcome: z.enum(['succeeded', 'failed', 'skipped']).optional(),
    limit: LimitSchema,
    cursor: CursorSchema,
  }),
  responses: { 200: { description: 'The job', schema: BulkJobSchema } },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const bulkResultsCsv = {
  name: 'bulk-results-csv',
  method: 'GET',
  route: 'partners/{partnerId}/bulk-assignments/{jobId}/results.csv',
  summary: 'Per-row outcomes as CSV (cells that could run as formulas are neutralised)',
  tags: ['bulk'],
  access: 'authenticated',
  params: JobPathSchema,
  responses: { 200: { description: 'CSV', contentType: 'text/csv', schema: z.string() } },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const bulkTemplateCsv = {
  name: 'bulk-template-csv',
  method: 'GET',
  route: 'bulk-assignments/template.csv',
  summary: "The bulk upload's CSV template: the header and one example row",
  tags: ['bulk'],
  access: 'anonymous',
  responses: { 200: { description: 'CSV', contentType: 'text/csv', schema: z.string() } },
} as const satisfies EndpointSpec;

export const bulkEndpoints: EndpointSpec[] = [submitBulk, getBulk, bulkResultsCsv, bulkTemplateCsv];
