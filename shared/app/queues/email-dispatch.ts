import { z } from 'zod';
import { defineQueue, type MessageQueue } from './queue.js';

/** Which email to send, never a secret: the invitation link is derived when the email is sent. */
const EmailDispatchMessageSchema = z.object({
  partnerId: z.string().min(1).max(64),
  assignmentId: z.string().min(1).max(64),
  /** The delivery's sequence: a message for an older sequence (a resend happened since) is stale. */
  sequence: z.number().int().positive(),
  correlationId: z.string().max(128),
});

export type EmailDispatchMessage = z.output<typeof EmailDispatchMessageSchema>;
export type EmailQueue = MessageQueue<EmailDispatchMessage>;

export const emailDispatchQueue = defineQueue({
  name: 'email-dispatch',
  schema: EmailDispatchMessageSchema,
  maxDeferrals: 3,
});
