import { app } from '@azure/functions';
import { requeueStaleEmails } from '../shared/app/email-dispatch.js';
import { expireAssignments } from '../shared/app/expire-assignments.js';
import { dispatchDeps, expiryDeps } from '../shared/root.js';
import { timerHandler } from '../shared/http/timer-handler.js';

export const requeueEmails = timerHandler('email.requeue-sweep', async ({ correlationId }) => ({
  requeued: await requeueStaleEmails(dispatchDeps(), correlationId),
}));

export const expireEndedAssignments = timerHandler('assignments.expiry-sweep', async () => ({
  expired: await expireAssignments(expiryDeps()),
}));

app.timer('requeue-stale-emails', { schedule: '0 */5 * * * *', handler: requeueEmails });
app.timer('expire-assignments', { schedule: '0 15 * * * *', handler: expireEndedAssignments });
