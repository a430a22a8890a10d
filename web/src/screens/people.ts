import { must } from '../api/client.js';
import { field, h } from '../dom.js';
import { linkTo, type ScreenContext } from '../router.js';
import { button, heading, onSubmit, table } from '../ui.js';
import { fullName, rolesOf, subscriptionsLine, type Person } from './people-parts.js';

type RoleFilter = 'first' | 'second' | 'third' | 'technical-contact' | 'program-administrator';
type PrivilegeFilter = 'visual-studio-subscriptions' | 'msdn-subscriptions';

const PAGE_SIZE = 25;

const ROLE_OPTIONS: { value: RoleFilter; label: string; actionPackOnly?: boolean }[] = [
  { value: 'technical-contact', label: 'Any Technical Contact', actionPackOnly: true },
  { value: 'first', label: 'First Technical Contact', actionPackOnly: true },
  { value: 'second', label: 'Second Technical Contact', actionPackOnly: true },
  { value: 'third', label: 'Third Technical Contact', actionPackOnly: true },
  { value: 'program-administrator', label: 'Program Administrator' },
];

const PRIVILEGE_NAMES: Record<PrivilegeFilter, string> = {
  'visual-studio-subscriptions': 'Visual Studio Subscriptions',
  'msdn-subscriptions': 'MSDN Subscriptions',
};

const oneOf = <T extends string>(value: string | null, allowed: readonly T[]): T | undefined =>
  allowed.find((a) => a === value);

/**
 * The partner's people: search by name or email and filter by role or privilege (all in the address, so
 * back and reload keep them), a page at a time, and a form to associate someone new.
 */
export async function peopleScreen(ctx: ScreenContext): Promise<Node> {
  const partnerId = ctx.params['partnerId']!;
  const partner = ctx.partner!;
  const actionPack = partner.program === 'action-pack';
  const privileges: PrivilegeFilter[] = [actionPack ? 'visual-studio-subscriptions' : 'msdn-subscriptions'];
  const roles = ROLE_OPTIONS.filter((r) => actionPack || !r.actionPackOnly);

  const q = ctx.query.get('q')?.trim() || undefined;
  const role = oneOf(
    ctx.query.get('role'),
    roles.map((r) => r.value),
  );
  const privilege = oneOf(ctx.query.get('privilege'), privileges);
  const cursor = ctx.query.get('cursor') || undefined;
  const page = await must(
    ctx.api.GET('/api/partners/{partnerId}/people', {
      params: {
        path: { partnerId },
        query: {
          limit: PAGE_SIZE,
          ...(q ? { q } : {}),
          ...(role ? { role } : {}),
          ...(privilege ? { privilege } : {}),
          ...(cursor ? { cursor } : {}),
        },
      },
    }),
  );

  const listHref = (extra: Record<string, string | undefined>) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries({ q, role, privilege, ...extra })) {
      if (value) search.set(name, value);
    }
    const query = search.toString();
    return `${linkTo('partners', partnerId, 'people')}${query ? `?${query}` : ''}`;
  };

  const filters = filterForm(ctx, { q, role, privilege }, roles, privileges, (chosen) =>
    ctx.navigate(listHref({ ...chosen, cursor: undefined })),
  );
  const filtered = Boolean(q || role || privilege);
  const results = table<Person>(
    filtered ? 'People matching the search' : 'People',
    [
      {
        header: 'Name',
        cell: (p) => h('a', { href: linkTo('partners', partnerId, 'people', p.personId) }, fullName(p)),
      },
      { header: 'Email', cell: (p) => p.email },
      { header: 'Roles', cell: rolesOf },
      { header: 'Subscriptions', cell: subscriptionsLine },
    ],
    page.items,
    filtered ? 'Nobody matches this search.' : 'Nobody is associated with this partner yet.',
  );
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages of people' },
    cursor ? h('a', { href: listHref({ cursor: undefined }) }, 'First page') : null,
    page.nextCursor ? h('a', { href: listHref({ cursor: page.nextCursor }) }, 'Next page') : null,
  );

  return h(
    'section',
    {},
    heading('People'),
    h(
      'p',
      { class: 'lede' },
      `The people who work for ${partner.name}. A person needs to be associated before they can get a subscription.`,
    ),
    filters,
    h('div', { class: 'results' }, results),
    pager.childNodes.length ? pager : null,
    associateForm(ctx, partnerId, partner.verifiedDomains),
  );
}

function filterForm(
  ctx: ScreenContext,
  current: { q: string | undefined; role: RoleFilter | undefined; privilege: PrivilegeFilter | undefined },
  roles: typeof ROLE_OPTIONS,
  privileges: PrivilegeFilter[],
  apply: (chosen: { q?: string; role?: string; privilege?: string }) => void,
): HTMLFormElement {
  const search = h('input', {
    type: 'search',
    name: 'q',
    value: current.q ?? '',
    maxlength: 100,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const roleSelect = h(
    'select',
    { name: 'role' },
    h('option', { value: '' }, 'Any role or none'),
    roles.map((r) => h('option', { value: r.value, selected: r.value === current.role }, r.label)),
  );
  const privilegeSelect = h(
    'select',
    { name: 'privilege' },
    h('option', { value: '' }, 'Any or none'),
    privileges.map((p) => h('option', { value: p, selected: p === current.privilege }, PRIVILEGE_NAMES[p])),
  );
  const form = h(
    'form',
    { class: 'row filters', role: 'search', 'aria-label': 'Search people' },
    field('Search by name or email', search),
    field('Role', roleSelect),
    field('Holds the privilege', privilegeSelect),
    h(
      'div',
      { class: 'actions' },
      button('Search', null, { appearance: 'primary', type: 'submit' }),
      current.q || current.role || current.privilege
        ? h('a', { href: linkTo('partners', ctx.params['partnerId']!, 'people') }, 'Clear')
        : null,
    ),
  );
  onSubmit(form, async (data) => {
    apply({
      q: String(data.get('q') ?? '').trim(),
      role: String(data.get('role') ?? ''),
      privilege: String(data.get('privilege') ?? ''),
    });
  });
  return form;
}

function associateForm(ctx: ScreenContext, partnerId: string, domains: string[]): HTMLElement {
  const input = (name: string, attributes: Record<string, string | boolean> = {}) =>
    h('input', { name, spellcheck: 'false', ...attributes });
  const email = input('email', { type: 'email', required: true, autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'stack narrow' },
    field('Work email', email, `In one of the verified domains: ${domains.join(', ')}.`),
    field('First name', input('firstName', { required: true, autocomplete: 'off', maxlength: '100' })),
    field('Last name', input('lastName', { required: true, autocomplete: 'off', maxlength: '100' })),
    field(
      'Notification email (optional)',
      input('notificationEmail', { type: 'email', autocomplete: 'off' }),
      'Where emails go instead of the work email, if given.',
    ),
    h('div', { class: 'actions' }, button('Associate', null, { appearance: 'primary', type: 'submit' })),
  );
  onSubmit(form, async (data) => {
    const value = (name: string) => String(data.get(name) ?? '').trim();
    const notificationEmail = value('notificationEmail');
    const person = await must(
      ctx.api.POST('/api/partners/{partnerId}/people', {
        params: { path: { partnerId } },
        body: {
          email: value('email'),
          firstName: value('firstName'),
          lastName: value('lastName'),
          ...(notificationEmail ? { notificationEmail } : {}),
        },
      }),
    );
    ctx.notify(`${fullName(person)} (${person.email}) is now associated with the partner.`);
    ctx.navigate(linkTo('partners', partnerId, 'people', person.personId));
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'associate-heading' },
    h('h2', { id: 'associate-heading' }, 'Associate a person'),
    form,
  );
}
