import { must } from '../api/client.js';
import { download, field, formatDate, h, show, type Child } from '../dom.js';
import { linkTo, type ScreenContext } from '../router.js';
import { button, heading, onSubmit, problemBar, table } from '../ui.js';
import {
  ASSIGNMENT_STATUSES,
  benefitName,
  canResend,
  canRevoke,
  deliveryBadge,
  loadPeople,
  personName,
  PROGRAM_PRIVILEGE,
  resendInvitation,
  revokeAssignment,
  statusBadge,
  statusLabel,
  whoOf,
  type Assignment,
  type AssignmentStatus,
  type Person,
} from './assignment-parts.js';

const PAGE_SIZE = 25;
const SLOT_NAMES: Record<string, string> = { first: 'First', second: 'Second', third: 'Third' };

/**
 * The partner's subscriptions: a form that gives one to a person (the program decides the privilege), the
 * result with its email's state, and every assignment with its delivery, resend and revoke, filtered by
 * `?status=` and paged by `?cursor=` (`?limit=` rows a page, 25 unless given).
 */
export async function assignmentsScreen(ctx: ScreenContext): Promise<Node> {
  const partnerId = ctx.params['partnerId']!;
  const partner = ctx.partner!;
  const requested = ctx.query.get('status');
  const status = ASSIGNMENT_STATUSES.find((s) => s === requested);
  const cursor = ctx.query.get('cursor') ?? undefined;
  const asked = Number(ctx.query.get('limit'));
  const limit = Number.isInteger(asked) && asked >= 1 && asked <= 200 ? asked : PAGE_SIZE;

  const listPage = () =>
    must(
      ctx.api.GET('/api/partners/{partnerId}/assignments', {
        params: {
          path: { partnerId },
          query: { limit, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) },
        },
      }),
    );
  const [people, first] = await Promise.all([loadPeople(ctx, partnerId), listPage()]);

  const granted = h('div', { class: 'granted', 'aria-live': 'polite' });
  const actionStatus = h('div', { class: 'form-status' });
  const listArea = h('div', {});

  const act = (work: () => Promise<unknown>) => {
    show(actionStatus);
    work()
      .then(reload)
      .catch((error: unknown) => show(actionStatus, problemBar(error)));
  };
  const reload = async () => {
    const page = await listPage();
    show(listArea, listView(page.items, page.nextCursor));
  };

  function listView(items: Assignment[], nextCursor: string | null): Child[] {
    const rows = table<Assignment>(
      status ? `${statusLabel(status)} subscriptions` : 'Subscriptions',
      [
        {
          header: 'Person',
          cell: (a) =>
            h(
              'span',
              {},
              h(
                'a',
                { href: linkTo('partners', partnerId, 'assignments', a.assignmentId) },
                whoOf(a, people),
              ),
              h('br'),
              h('span', { class: 'hint' }, a.personEmail),
            ),
        },
        { header: 'Benefit', cell: (a) => benefitName(a.benefit) },
        { header: 'Status', cell: (a) => statusBadge(a.status) },
        { header: 'Email', cell: (a) => deliveryBadge(a.delivery) },
        { header: 'Attempts', cell: (a) => a.delivery.attempts },
        { header: 'Last error', cell: (a) => a.delivery.lastError ?? '—' },
        {
          header: 'Invitation expires',
          cell: (a) => (a.status === 'invited' ? formatDate(a.invitation.expiresAt) : '—'),
        },
        { header: 'Actions', cell: (a) => actions(a) },
      ],
      items,
      status ? `No ${statusLabel(status).toLowerCase()} subscriptions.` : 'No subscriptions given yet.',
    );
    const pageLink = (label: string, next?: string) =>
      h(
        'a',
        {
          href: `${linkTo('partners', partnerId, 'assignments')}?${new URLSearchParams({
            ...(status ? { status } : {}),
            ...(limit !== PAGE_SIZE ? { limit: String(limit) } : {}),
            ...(next ? { cursor: next } : {}),
          }).toString()}`,
        },
        label,
      );
    const pager =
      cursor || nextCursor
        ? h(
            'nav',
            { class: 'pager', 'aria-label': 'Pages' },
            cursor ? pageLink('First page') : null,
            nextCursor ? pageLink('Next page', nextCursor) : null,
          )
        : null;
    return [rows, pager];
  }

  function actions(a: Assignment): Child {
    const who = whoOf(a, people);
    return h(
      'div',
      { class: 'actions' },
      canResend(a)
        ? button('Resend', () => act(() => resendInvitation(ctx, a, who)), {
            name: `Resend the invitation to ${who}`,
          })
        : null,
      canRevoke(a)
        ? button('Revoke', () => act(() => revokeAssignment(ctx, a, who)), {
            name: `Revoke ${who}'s subscription`,
          })
        : null,
    );
  }

  show(listArea, listView(first.items, first.nextCursor));

  const form = grantForm(ctx, partnerId, people, async (assignment) => {
    show(granted, grantedCard(assignment, people));
    ctx.notify(`${whoOf(assignment, people)} is invited; the email is queued.`);
    await reload();
  });

  const filter = h(
    'form',
    {
      class: 'row',
      'aria-label': 'Filter',
      onsubmit: ((event: Event) => {
        event.preventDefault();
        const chosen = String(new FormData(event.target as HTMLFormElement).get('status') ?? '');
        const query = chosen ? `?${new URLSearchParams({ status: chosen }).toString()}` : '';
        ctx.navigate(`${linkTo('partners', partnerId, 'assignments')}${query}`);
      }) as EventListener,
    },
    field(
      'Status',
      h(
        'select',
        { name: 'status' },
        h('option', { value: '' }, 'All'),
        ASSIGNMENT_STATUSES.map((s) => h('option', { value: s, selected: s === status }, statusLabel(s))),
      ),
    ),
    button('Show', null, { type: 'submit' }),
    button('Refresh', () => act(async () => undefined)),
    button('Download CSV', () => act(() => exportCsv(ctx, partnerId, status)), {
      name: 'Download CSV of the subscriptions',
    }),
  );

  return h(
    'section',
    {},
    heading('Subscriptions'),
    h(
      'p',
      { class: 'lede' },
      `Give ${PROGRAM_PRIVILEGE[partner.program].name} to the people of ${partner.name}, and see who has activated theirs.`,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'grant-title' },
      h('h2', { id: 'grant-title' }, 'Give a subscription'),
      form,
      granted,
    ),
    h(
      'section',
      { 'aria-labelledby': 'list-title', class: 'stack' },
      h('h2', { id: 'list-title' }, status ? `${statusLabel(status)} subscriptions` : 'All subscriptions'),
      filter,
      actionStatus,
      listArea,
    ),
  );
}

function grantForm(
  ctx: ScreenContext,
  partnerId: string,
  people: Map<string, Person>,
  done: (assignment: Assignment) => Promise<void>,
): HTMLFormElement {
  const partner = ctx.partner!;
  const terms = PROGRAM_PRIVILEGE[partner.program];
  const needsSlot = partner.program === 'action-pack';
  const sorted = [...people.values()].sort(
    (a, b) =>
      Number(needsSlot && !a.roles.technicalContact) - Number(needsSlot && !b.roles.technicalContact) ||
      personName(a).localeCompare(personName(b)),
  );
  const option = (p: Person) => {
    const notes: string[] = [];
    if (needsSlot)
      notes.push(
        p.roles.technicalContact
          ? `${SLOT_NAMES[p.roles.technicalContact] ?? p.roles.technicalContact} Technical Contact`
          : 'no Technical Contact slot: not eligible',
      );
    if (p.subscriptions.some((s) => s.status === 'invited' || s.status === 'active'))
      notes.push('already has a subscription');
    return h('option', { value: p.personId }, [`${personName(p)} (${p.email})`, ...notes].join(' — '));
  };
  const personSelect = h(
    'select',
    { name: 'personId', required: true },
    h('option', { value: '' }, people.size ? 'Choose a person…' : 'No people yet'),
    sorted.map(option),
  );
  const privilegeSelect = h(
    'select',
    { name: 'privilege', required: true },
    h('option', { value: terms.privilege, selected: true }, terms.name),
  );
  const form = h(
    'form',
    { class: 'stack narrow grant-form' },
    field(
      'Privilege',
      privilegeSelect,
      `${partner.program === 'action-pack' ? 'An Action Pack' : 'A Competency'} partner grants ${terms.name}: ${benefitName(
        partner.program === 'action-pack' ? 'vs-professional' : 'vs-enterprise',
      )}.`,
    ),
    field(
      'Person',
      personSelect,
      needsSlot
        ? 'Action Pack: only a First, Second or Third Technical Contact can have a subscription. Give someone a slot on the People screen first.'
        : 'Anyone associated with the partner. Associate more people on the People screen.',
    ),
    h(
      'div',
      { class: 'actions' },
      button('Give subscription', null, { appearance: 'primary', type: 'submit' }),
    ),
  );
  onSubmit(form, async (data) => {
    const assignment = await must(
      ctx.api.POST('/api/partners/{partnerId}/assignments', {
        params: { path: { partnerId } },
        body: { personId: String(data.get('personId')), privilege: terms.privilege },
      }),
    );
    const chosen = personSelect.selectedOptions[0];
    if (chosen && !chosen.textContent?.includes('already has'))
      chosen.append(' — already has a subscription');
    personSelect.value = '';
    await done(assignment);
  });
  return form;
}

/** What was just given: the assignment and its email, which is always queued at first. */
function grantedCard(a: Assignment, people: Map<string, Person>): Node {
  return h(
    'div',
    { class: 'result', 'data-assignment': a.assignmentId },
    h('h3', {}, `${whoOf(a, people)}: ${benefitName(a.benefit)}`),
    h(
      'p',
      {},
      statusBadge(a.status),
      ' Invitation email: ',
      deliveryBadge(a.delivery),
      ` to ${a.delivery.to}; the link works until ${formatDate(a.invitation.expiresAt)}. `,
      h('a', { href: linkTo('partners', a.partnerId, 'assignments', a.assignmentId) }, 'Follow its delivery'),
    ),
  );
}

async function exportCsv(ctx: ScreenContext, partnerId: string, status?: AssignmentStatus): Promise<void> {
  const csv = await must(
    ctx.api.GET('/api/partners/{partnerId}/assignments.csv', {
      params: { path: { partnerId }, query: status ? { status } : {} },
      parseAs: 'text',
    }),
  );
  download(`subscriptions-${partnerId}${status ? `-${status}` : ''}.csv`, 'text/csv', csv);
}
