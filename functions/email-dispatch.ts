import { app } from '@azure/functions';
import { dispatchEmail, markEmailFailed } from '../shared/app/email-dispatch.js';
import { dispatchDeps } from '../shared/adapters/registry.js';
import { EMAIL_DISPATCH_QUEUE } from '../shared/adapters/storage/email-queue.js';
import { EmailDispatchMessageSchema } from '../shared/http/queue-messages.js';
import { queueHandler } from '../shared/http/queue-handler.js';

/**
 * One email per message. A failure is thrown so the host retries it; on the last attempt the delivery is
 * first marked `failed` (visible to the admin, who can resend), then the host moves the message to
 * `email-dispatch-poison`, where it stays for operators to inspect.
 */
export const emailDispatch = queueHandler({
  name: 'email-dispatch',
  schema: EmailDispatchMessageSchema,
  handle: (message) => dispatchEmail(dispatchDeps(), message),
  requeue: (message, delaySeconds) => dispatchDeps().emails.enqueue(message, { delaySeconds }),
  onLastAttempt: (message, _reason, dequeueCount) => markEmailFailed(dispatchDeps(), message, dequeueCount),
});

app.storageQueue('email-dispatch', {
  queueName: EMAIL_DISPATCH_QUEUE,
  connection: 'AzureWebJobsStorage',
  handler: emailDispatch,
});
