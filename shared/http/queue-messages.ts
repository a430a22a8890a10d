import { z } from 'zod';
import type { InvocationContext } from '@azure/functions';
import { queueMaxDequeueCount } from '../adapters/host-settings.js';

/** The email-dispatch message, validated before any work: a malformed message is not retried. */
export const EmailDispatchMessageSchema = z.object({
  partnerId: z.string().min(1).max(64),
  assignmentId: z.string().min(1).max(64),
  sequence: z.number().int().positive(),
  correlationId: z.string().max(128),
});

export function dequeueCountOf(context: InvocationContext): number | undefined {
  const value = context.triggerMetadata?.['dequeueCount'];
  return typeof value === 'number' ? value : undefined;
}

/** Whether this delivery is the host's last try before it moves the message to the poison queue. */
export const isLastAttempt = (dequeueCount: number | undefined): boolean =>
  dequeueCount !== undefined && dequeueCount >= queueMaxDequeueCount();
