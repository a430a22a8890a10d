import {
  isDeliveryStale,
  recordAttempt,
  recordFailed,
  recordSent,
  requeueDelivery,
  type Assignment,
} from '../domain/assignment.js';
import { PROGRAM_TERMS } from '../domain/program.js';
import { deliveryAddress } from '../domain/person.js';
import { renderInvitation, renderRevocation } from './emails.js';
import type {
  AssignmentRepository,
  Clock,
  EmailDispatchMessage,
  EmailQueue,
  EmailSender,
  Links,
  PartnerRepository,
  PersonRepository,
} from './ports.js';
import { deterministicUuid, tokenMatches, type InvitationTokens } from './tokens.js';

export interface DispatchDeps {
  partners: PartnerRepository;
  people: PersonRepository;
  assignments: AssignmentRepository;
  sender: EmailSender;
  emails: EmailQueue;
  links: Links;
  invitations: InvitationTokens;
  clock: Clock;
  policy: { emailStaleMinutes: number };
}

export type DispatchResult = 'sent' | 'throttled' | 'stale' | 'already-sent' | 'gone';

const emailOperationId = (message: Pick<EmailDispatchMessage, 'partnerId' | 'assignmentId' | 'sequence'>) =>
  deterministicUuid(`email:${message.partnerId}:${message.assignmentId}:${message.sequence}`);

function whyNotToSend(assignment: Assignment, message: EmailDispatchMessage): DispatchResult | null {
  if (message.sequence !== assignment.delivery.sequence) return 'stale';
  if (assignment.delivery.state === 'sent') return 'already-sent';
  if (assignment.delivery.state === 'failed') return 'stale';
  if (assignment.delivery.kind === 'invitation' && assignment.status !== 'invited') return 'stale';
  return null;
}

/**
 * The current invitation's token, recomputed from the invitation. A mismatch with the stored hash means
 * the secret changed since the link was made: the email would carry a dead link, so it is not sent (the
 * queue retries and finally marks the delivery failed; a resend makes a link under the new secret).
 */
function currentToken(deps: Pick<DispatchDeps, 'invitations'>, assignment: Assignment): string {
  const token = deps.invitations.tokenFor({
    partnerId: assignment.partnerId,
    assignmentId: assignment.assignmentId,
    version: assignment.invitation.version,
  });
  if (!tokenMatches(assignment.invitation.tokenHash, token)) {
    throw new Error('the invitation link cannot be rebuilt: INVITATION_SECRET changed since it was issued');
  }
  return token;
}

/**
 * Sends the email a queue message stands for, at most once: a message for an older email or one
 * already sent is dropped, and the operation id is derived from the email, so Communication Services
 * ignores a second send of the same one. Throttling re-queues with the provider's delay and does not
 * count as a failed attempt; any other failure is thrown, so the queue retries and finally poisons it.
 */
export async function dispatchEmail(
  deps: DispatchDeps,
  message: EmailDispatchMessage,
): Promise<DispatchResult> {
  const found = await deps.assignments.get(message.partnerId, message.assignmentId);
  if (!found) return 'gone';
  const skip = whyNotToSend(found.value, message);
  if (skip) return skip;
  const assignment = found.value;

  const partner = await deps.partners.get(message.partnerId);
  if (!partner) return 'gone';
  const person = await deps.people.get(message.partnerId, assignment.personId);
  const firstName = person?.value.firstName ?? assignment.personEmail;
  // The person's address now: a notification email changed since the email was queued is honoured.
  const to = person ? deliveryAddress(person.value) : assignment.delivery.to;
  const benefitName = PROGRAM_TERMS[partner.value.program].benefitName;
  const rendered =
    assignment.delivery.kind === 'invitation'
      ? renderInvitation({
          partnerName: partner.value.name,
          benefitName,
          firstName,
          activationUrl: deps.links.activationUrl(
            message.partnerId,
            message.assignmentId,
            currentToken(deps, assignment),
          ),
          expiresAt: assignment.invitation.expiresAt,
        })
      : renderRevocation({ partnerName: partner.value.name, benefitName, firstName });

  let outcome;
  try {
    outcome = await deps.sender.send({
      operationId: emailOperationId(message),
      to,
      ...rendered,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await deps.assignments.update(message.partnerId, message.assignmentId, (a) =>
      recordAttempt(a, message.sequence, reason, null),
    );
    throw error;
  }
  if (outcome.outcome === 'throttled') {
    const nextAttemptAt = new Date(deps.clock().getTime() + outcome.retryAfterSeconds * 1000);
    await deps.assignments.update(message.partnerId, message.assignmentId, (a) =>
      recordAttempt(
        a,
        message.sequence,
        `throttled; retrying after ${outcome.retryAfterSeconds} s`,
        nextAttemptAt,
      ),
    );
    await deps.emails.enqueue(message, { delaySeconds: outcome.retryAfterSeconds });
    return 'throttled';
  }
  await deps.assignments.update(message.partnerId, message.assignmentId, (a) =>
    recordSent(a, message.sequence, deps.clock(), to),
  );
  return 'sent';
}

/** A message that exhausted its retries: the delivery is visibly failed, and the admin can resend. */
export async function markEmailFailed(
  deps: Pick<DispatchDeps, 'assignments'>,
  message: EmailDispatchMessage,
  dequeueCount: number | undefined,
): Promise<void> {
  const found = await deps.assignments.get(message.partnerId, message.assignmentId);
  if (!found) return;
  const reason = found.value.delivery.lastError ?? 'the email could not be sent';
  await deps.assignments.update(message.partnerId, message.assignmentId, (a) =>
    recordFailed(
      a,
      message.sequence,
      `${reason} (gave up${dequeueCount ? ` after ${dequeueCount} attempts` : ''})`,
    ),
  );
}

/**
 * Queues again every email left queued too long: its enqueue after the commit may have failed. The
 * message carries no secret, so the same link goes out (the dispatcher derives it again).
 */
export async function requeueStaleEmails(
  deps: Pick<DispatchDeps, 'assignments' | 'emails' | 'clock' | 'policy'>,
  correlationId: string,
): Promise<number> {
  const { policy } = deps;
  const now = deps.clock();
  let requeued = 0;
  for (const candidate of await deps.assignments.listQueuedDeliveries(500)) {
    if (!isDeliveryStale(candidate, now, policy.emailStaleMinutes)) continue;
    const updated = await deps.assignments.update(candidate.partnerId, candidate.assignmentId, (a) =>
      isDeliveryStale(a, now, policy.emailStaleMinutes) ? requeueDelivery(a, now) : a,
    );
    if (updated.value.delivery.sequence === candidate.delivery.sequence) continue;
    await deps.emails.enqueue({
      partnerId: candidate.partnerId,
      assignmentId: candidate.assignmentId,
      sequence: updated.value.delivery.sequence,
      correlationId,
    });
    requeued++;
  }
  return requeued;
}
