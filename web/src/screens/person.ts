import { must } from '../api/client.js';
import { field, formatDateTime, h, show } from '../dom.js';
import { linkTo, type ScreenContext } from '../router.js';
import { button, confirmDialog, heading, onSubmit, problemBar } from '../ui.js';
import {
  cascadeOf,
  fullName,
  ifMatch,
  rolesOf,
  subscriptionsTable,
  withEtag,
  type Person,
} from './people-parts.js';

/**
 * One person: their roles and live subscriptions, a form to change their names and notification email
 * (conditional on the version read, so nobody's change is overwritten unseen), the Program Administrator
 * role, and disassociation that says first what else it ends.
 */
export async function personScreen(ctx: ScreenContext): Promise<Node> {
  const partnerId = ctx.params['partnerId']!;
  const personId = ctx.params['personId']!;
  const path = { partnerId, personId };
  const { data: person, etag } = await withEtag(
    ctx.api.GET('/api/partners/{partnerId}/people/{personId}', { params: { path } }),
  );
  const backToList = h('a', { href: linkTo('partners', partnerId, 'people') }, 'All people');

  return h(
    'section',
    {},
    h('p', { class: 'breadcrumb' }, backToList),
    heading(fullName(person)),
    h(
      'dl',
      { class: 'details' },
      detail('Work email', person.email),
      detail('Notification email', person.notificationEmail ?? 'The work email'),
      detail('Roles', rolesOf(person)),
      detail('Associated', formatDateTime(person.createdAt)),
    ),
    h(
      'section',
      { 'aria-labelledby': 'subs-heading' },
      h('h2', { id: 'subs-heading' }, 'Live subscriptions'),
      subscriptionsTable(person),
    ),
    editForm(ctx, person, etag),
    adminForm(ctx, person, etag),
    disassociateSection(ctx, person, etag),
  );
}

function detail(label: string, value: Node | string): Node {
  return h('div', {}, h('dt', {}, label), h('dd', {}, value));
}

function editForm(ctx: ScreenContext, person: Person, etag: string | undefined): HTMLElement {
  const input = (name: string, value: string, attributes: Record<string, string | boolean> = {}) =>
    h('input', { name, value, spellcheck: 'false', autocomplete: 'off', ...attributes });
  const form = h(
    'form',
    { class: 'stack narrow' },
    field('First name', input('firstName', person.firstName, { required: true, maxlength: '100' })),
    field('Last name', input('lastName', person.lastName, { required: true, maxlength: '100' })),
    field(
      'Notification email',
      input('notificationEmail', person.notificationEmail ?? '', { type: 'email' }),
      'Leave empty to send emails to the work email.',
    ),
    h('div', { class: 'actions' }, button('Save changes', null, { appearance: 'primary', type: 'submit' })),
  );
  onSubmit(form, async (data) => {
    const value = (name: string) => String(data.get(name) ?? '').trim();
    const changed = await must(
      ctx.api.PATCH('/api/partners/{partnerId}/people/{personId}', {
        params: { path: { partnerId: person.partnerId, personId: person.personId } },
        headers: ifMatch(etag),
        body: {
          firstName: value('firstName'),
          lastName: value('lastName'),
          notificationEmail: value('notificationEmail') || null,
        },
      }),
    );
    ctx.notify(`Saved the changes to ${fullName(changed)}.`);
    ctx.refresh();
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'edit-heading' },
    h('h2', { id: 'edit-heading' }, 'Names and notification email'),
    form,
  );
}

function adminForm(ctx: ScreenContext, person: Person, etag: string | undefined): HTMLElement {
  const isAdmin = person.roles.programAdministrator;
  const form = h(
    'form',
    { class: 'stack' },
    h(
      'p',
      {},
      isAdmin
        ? `${fullName(person)} is a Program Administrator: they can sign in to this console and manage the partner.`
        : `${fullName(person)} is not a Program Administrator.`,
    ),
    h(
      'div',
      { class: 'actions' },
      button(isAdmin ? 'Remove the Program Administrator role' : 'Make Program Administrator', null, {
        type: 'submit',
      }),
    ),
  );
  onSubmit(form, async () => {
    await must(
      ctx.api.PUT('/api/partners/{partnerId}/people/{personId}/roles', {
        params: { path: { partnerId: person.partnerId, personId: person.personId } },
        headers: ifMatch(etag),
        body: { technicalContact: person.roles.technicalContact, programAdministrator: !isAdmin },
      }),
    );
    ctx.notify(
      isAdmin
        ? `${fullName(person)} is no longer a Program Administrator.`
        : `${fullName(person)} is now a Program Administrator.`,
    );
    ctx.refresh();
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'admin-heading' },
    h('h2', { id: 'admin-heading' }, 'Program Administrator'),
    form,
  );
}

function disassociateSection(ctx: ScreenContext, person: Person, etag: string | undefined): HTMLElement {
  const status = h('div', { class: 'form-status' });
  const cascade = cascadeOf(person);
  const name = fullName(person);
  const start = async () => {
    const confirmed = await confirmDialog(
      `Disassociate ${name}?`,
      [
        h('p', {}, `${name} (${person.email}) will no longer be associated with the partner.`),
        h(
          'p',
          { class: 'cascade' },
          cascade ?? 'They hold no subscription or role, so nothing else changes.',
        ),
      ],
      'Disassociate',
    );
    if (!confirmed) return;
    show(status);
    try {
      await must(
        ctx.api.DELETE('/api/partners/{partnerId}/people/{personId}', {
          params: {
            path: { partnerId: person.partnerId, personId: person.personId },
            ...(cascade ? { query: { cascade: 'true' as const } } : {}),
          },
          headers: ifMatch(etag),
        }),
      );
    } catch (error) {
      show(status, problemBar(error));
      return;
    }
    ctx.notify(`${name} is no longer associated with the partner.`);
    ctx.navigate(linkTo('partners', person.partnerId, 'people'));
  };
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'disassociate-heading' },
    h('h2', { id: 'disassociate-heading' }, 'Disassociate'),
    h('p', {}, cascade ?? 'They hold no subscription or role.'),
    h(
      'div',
      { class: 'actions' },
      button('Disassociate…', () => void start()),
    ),
    status,
  );
}
