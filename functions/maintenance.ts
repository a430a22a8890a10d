import { randomUUID } from 'node:crypto';
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { config } from '../shared/config.js';
import { requeueStaleEmails } from '../shared/app/email-dispatch.js';
import { expireAssignments } from '../shared/app/expire-assignments.js';
import { assignmentRepository, dispatchDeps, partnerRepository } from '../shared/adapters/registry.js';
import { createLogger, invocationSink } from '../shared/log.js';

export async function requeueEmails(_timer: Timer, context: InvocationContext): Promise<void> {
  const correlationId = randomUUID();
  const requeued = await requeueStaleEmails(dispatchDeps(), config().assignments, correlationId);
  createLogger(invocationSink(context), { correlationId }).info('email.requeue-sweep', { requeued });
}

export async function expireEndedAssignments(_timer: Timer, context: InvocationContext): Promise<void> {
  const expired = await expireAssignments(
    { partners: partnerRepository(), assignments: assignmentRepository(), now: () => new Date() },
    config().assignments,
  );
  createLogger(invocationSink(context), { correlationId: randomUUID() }).info('assignments.expiry-sweep', {
    expired,
  });
}

app.timer('requeue-stale-emails', { schedule: '0 */5 * * * *', handler: requeueEmails });
app.timer('expire-assignments', { schedule: '0 15 * * * *', handler: expireEndedAssignments });
