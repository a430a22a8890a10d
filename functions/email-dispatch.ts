import { app } from '@azure/functions';
import { dispatchEmail, markEmailFailed } from '../shared/app/email-dispatch.js';
import { emailDispatchQueue } from '../shared/app/queues/email-dispatch.js';
import { dispatchDeps, queueHandler } from '../shared/root.js';

/**
 * One email per message. A failure is thrown so the host retries it; on the last attempt the delivery is
 * first marked `failed` (visible to the admin, who can resend), then the host moves the message to
 * `email-dispatch-poison`, where it stays for operators to inspect.
 */
export const emailDispatch = queueHandler(emailDispatchQueue, {
  handle: (message) => dispatchEmail(dispatchDeps(), message),
  onLastAttempt: (message, _reason, { dequeueCount }) =>
    markEmailFailed(dispatchDeps(), message, dequeueCount),
});

app.storageQueue(emailDispatchQueue.name, {
  queueName: emailDispatchQueue.name,
  connection: 'AzureWebJobsStorage',
  handler: emailDispatch,
});
