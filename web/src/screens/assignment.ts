import { must } from '../api/client.js';
import { formatDate, formatDateTime, h, show, type Child } from '../dom.js';
import { linkTo, type ScreenContext } from '../router.js';
import { button, heading, problemBar } from '../ui.js';
import {
  benefitName,
  canResend,
  canRevoke,
  deliveryBadge,
  personName,
  PROGRAM_PRIVILEGE,
  resendInvitation,
  revokeAssignment,
  statusBadge,
  type Assignment,
} from './assignment-parts.js';

const END_REASONS: Record<NonNullable<Assignment['endReason']>, string> = {
  revoked: 'revoked by an administrator',
  expired: 'the entitlement ended',
  disassociated: 'the person left the partner',
};

/**
 * One subscription: who has it, its state, the email that goes with it (queued, sent or failed, with its
 * attempts and last error) and the invitation link's version and expiry; Refresh shows the delivery move.
 */
export async function assignmentScreen(ctx: ScreenContext): Promise<Node> {
  const partnerId = ctx.params['partnerId']!;
  const assignmentId = ctx.params['assignmentId']!;
  const a = await must(
    ctx.api.GET('/api/partners/{partnerId}/assignments/{assignmentId}', {
      params: { path: { partnerId, assignmentId } },
    }),
  );
  // The person may have left the partner since; the assignment still names their email.
  const person = await ctx.api
    .GET('/api/partners/{partnerId}/people/{personId}', {
      params: { path: { partnerId, personId: a.personId } },
    })
    .then((r) => r.data)
    .catch(() => undefined);
  const who = person ? personName(person) : a.personEmail;
  const benefit = benefitName(a.benefit);
  const status = h('div', { class: 'form-status' });
  const act = (work: () => Promise<unknown>) => {
    show(status);
    work()
      .then((changed) => {
        if (changed) ctx.refresh();
      })
      .catch((error: unknown) => show(status, problemBar(error)));
  };
  const privilegeName =
    Object.values(PROGRAM_PRIVILEGE).find((p) => p.privilege === a.privilege)?.name ?? a.privilege;
  const d = a.delivery;

  return h(
    'section',
    { class: 'stack' },
    heading(
      `${who}: ${benefit}`,
      h(
        'div',
        { class: 'actions' },
        button('Refresh', () => ctx.refresh(), { name: 'Refresh the delivery state' }),
        canResend(a)
          ? button('Resend invitation', () => act(() => resendInvitation(ctx, a, who)), {
              appearance: 'primary',
            })
          : null,
        canRevoke(a) ? button('Revoke', () => act(() => revokeAssignment(ctx, a, who))) : null,
      ),
    ),
    h(
      'p',
      { class: 'lede' },
      h('a', { href: linkTo('partners', partnerId, 'assignments') }, 'All subscriptions'),
    ),
    status,
    section(
      'subscription',
      'Subscription',
      facts([
        ['Person', who],
        ['Work email', a.personEmail],
        ['Privilege', privilegeName],
        ['Benefit', benefit],
        ['Status', statusBadge(a.status)],
        ['Given', `${formatDateTime(a.assignedAt)} by ${a.assignedBy.email ?? a.assignedBy.subject}`],
        ['Activated', formatDateTime(a.activatedAt)],
        [
          'Ended',
          a.endedAt ? `${formatDateTime(a.endedAt)}: ${a.endReason ? END_REASONS[a.endReason] : ''}` : '—',
        ],
      ]),
    ),
    section(
      'delivery',
      'Email delivery',
      facts([
        ['State', deliveryBadge(d)],
        ['Email', d.kind === 'invitation' ? 'Invitation' : 'Revocation notice'],
        ['To', d.to],
        ['Sequence', d.sequence],
        ['Attempts', d.attempts],
        ['Last error', d.lastError ?? 'none'],
        ['Queued', formatDateTime(d.queuedAt)],
        ['Next attempt', formatDateTime(d.nextAttemptAt)],
        ['Sent', formatDateTime(d.sentAt)],
      ]),
      d.state === 'failed'
        ? h(
            'p',
            {},
            'The email could not be delivered. Check the address, then resend the invitation for a new link and email.',
          )
        : null,
    ),
    section(
      'invitation',
      'Invitation link',
      facts([
        ['Version', a.invitation.version],
        ['Issued', formatDateTime(a.invitation.issuedAt)],
        ['Expires', formatDate(a.invitation.expiresAt)],
        ['Used', a.invitation.usedAt ? formatDateTime(a.invitation.usedAt) : 'not yet'],
      ]),
    ),
  );
}

function section(id: string, title: string, ...children: Child[]): Node {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    ...children,
  );
}

function facts(rows: [string, Child][]): Node {
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
  );
}
