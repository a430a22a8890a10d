import { z } from 'zod';
import { defineQueue, type MessageQueue } from './queue.js';

/** One chunk of a bulk job to process; chunk N+1 is queued once chunk N is recorded. */
const BulkChunkMessageSchema = z.object({
  partnerId: z.string().min(1).max(64),
  jobId: z.string().min(1).max(64),
  chunk: z.number().int().min(0),
  correlationId: z.string().max(128),
});

export type BulkChunkMessage = z.output<typeof BulkChunkMessageSchema>;
export type BulkQueue = MessageQueue<BulkChunkMessage>;

export const bulkAssignmentsQueue = defineQueue({
  name: 'bulk-assignments',
  schema: BulkChunkMessageSchema,
  maxDeferrals: 3,
});
