import { app, type InvocationContext } from '@azure/functions';
import { dispatchEmail, markEmailFailed } from '../shared/app/email-dispatch.js';
import { dispatchDeps } from '../shared/adapters/registry.js';
import { EMAIL_DISPATCH_QUEUE } from '../shared/adapters/storage/email-queue.js';
import { createLogger, invocationSink } from '../shared/log.js';
import { EmailDispatchMessageSchema, dequeueCountOf, isLastAttempt } from '../shared/http/queue-messages.js';

/**
 * One email per message. A failure is thrown so the host retries it; on the last attempt the delivery is
 * first marked `failed` (visible to the admin, who can resend), then the host moves the message to
 * `email-dispatch-poison`, where it stays for operators to inspect.
 */
export async function emailDispatch(message: unknown, context: InvocationContext): Promise<void> {
  const log = createLogger(invocationSink(context), {
    invocationId: context.invocationId,
    fn: 'email-dispatch',
  });
  const parsed = EmailDispatchMessageSchema.safeParse(message);
  if (!parsed.success) {
    log.error('email.message-malformed', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
    return; // retrying cannot fix it
  }
  const { partnerId, assignmentId, sequence, correlationId } = parsed.data;
  const dequeueCount = dequeueCountOf(context);
  const scoped = log.with({ correlationId, partnerId, assignmentId, sequence, dequeueCount });
  try {
    const result = await dispatchEmail(dispatchDeps(), parsed.data);
    scoped.info('email.dispatched', { result });
  } catch (error) {
    const lastAttempt = isLastAttempt(dequeueCount);
    scoped.warn('email.send-failed', {
      lastAttempt,
      error: error instanceof Error ? error.message : String(error),
    });
    if (lastAttempt) await markEmailFailed(dispatchDeps(), parsed.data, dequeueCount);
    throw error;
  }
}

app.storageQueue('email-dispatch', {
  queueName: EMAIL_DISPATCH_QUEUE,
  connection: 'AzureWebJobsStorage',
  handler: emailDispatch,
});
