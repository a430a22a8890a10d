import { must, ProblemError } from '../api/client.js';
import { field, h, show } from '../dom.js';
import { linkTo, type ScreenContext } from '../router.js';
import { button, heading, problemBar } from '../ui.js';
import { fullName, SLOT_NAMES, SLOTS, subscriptionsLine, type Person, type Slot } from './people-parts.js';

/** At most this many pages of 200 are read for the choice of people (an Action Pack partner is small). */
const MAX_PAGES = 5;

/**
 * The Action Pack partner's three Technical Contact slots: who holds each, a choice of the associated
 * people to give a free slot to, and freeing a held one. A refusal is said next to its slot.
 */
export async function contactsScreen(ctx: ScreenContext): Promise<Node> {
  const partnerId = ctx.params['partnerId']!;
  const people = await allPeople(ctx, partnerId);
  const holders = new Map<Slot, Person>();
  for (const person of people) {
    if (person.roles.technicalContact) holders.set(person.roles.technicalContact, person);
  }
  return h(
    'section',
    {},
    heading('Technical Contacts'),
    h(
      'p',
      { class: 'lede' },
      'An Action Pack subscription goes only to one of three Technical Contacts. Give a slot to an ',
      h('a', { href: linkTo('partners', partnerId, 'people') }, 'associated person'),
      ' first, then grant them the privilege.',
    ),
    h(
      'div',
      { class: 'cards' },
      SLOTS.map((slot) => slotCard(ctx, partnerId, slot, holders.get(slot), people)),
    ),
  );
}

async function allPeople(ctx: ScreenContext, partnerId: string): Promise<Person[]> {
  const people: Person[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await must(
      ctx.api.GET('/api/partners/{partnerId}/people', {
        params: { path: { partnerId }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
      }),
    );
    people.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return people.sort((a, b) => fullName(a).localeCompare(fullName(b)));
}

function slotCard(
  ctx: ScreenContext,
  partnerId: string,
  slot: Slot,
  holder: Person | undefined,
  people: Person[],
): HTMLElement {
  const name = `${SLOT_NAMES[slot]} Technical Contact`;
  const id = `slot-${slot}`;
  const status = h('div', { class: 'form-status' });
  const putRoles = async (person: Person, technicalContact: Slot | null, done: string) => {
    show(status);
    try {
      await must(
        ctx.api.PUT('/api/partners/{partnerId}/people/{personId}/roles', {
          params: { path: { partnerId, personId: person.personId } },
          // The administrator flag is left out: only the slot changes here.
          body: { technicalContact },
        }),
      );
    } catch (error) {
      show(status, problemBar(await named(ctx, partnerId, error, people)));
      return false;
    }
    ctx.notify(done);
    ctx.refresh();
    return true;
  };

  let body: Node[];
  if (holder) {
    const free = button(
      'Free slot',
      (event) => {
        const target = event.currentTarget as HTMLElement;
        target.setAttribute('disabled', '');
        void putRoles(holder, null, `The ${name} slot is free; ${fullName(holder)} no longer holds it.`).then(
          () => target.removeAttribute('disabled'),
        );
      },
      { name: `Free slot: ${name}` },
    );
    body = [
      h(
        'p',
        { class: 'holder' },
        'Held by ',
        h('a', { href: linkTo('partners', partnerId, 'people', holder.personId) }, fullName(holder)),
        ` (${holder.email})`,
      ),
      h('p', { class: 'hint' }, `Subscriptions: ${subscriptionsLine(holder)}`),
      h('div', { class: 'actions' }, free),
    ];
  } else {
    const select = h(
      'select',
      { name: 'personId', required: true },
      h('option', { value: '' }, 'Choose a person'),
      people.map((p) =>
        h(
          'option',
          { value: p.personId },
          `${fullName(p)} (${p.email})${p.roles.technicalContact ? ` · now ${SLOT_NAMES[p.roles.technicalContact]}` : ''}`,
        ),
      ),
    );
    const form = h(
      'form',
      { class: 'stack' },
      field(`Person for the ${name} slot`, select, people.length ? undefined : 'Nobody is associated yet.'),
      h(
        'div',
        { class: 'actions' },
        button('Assign', null, { appearance: 'primary', type: 'submit', name: `Assign the ${name} slot` }),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      const person = people.find((p) => p.personId === select.value);
      if (!person) return;
      const submit = form.querySelector<HTMLElement>('[type=submit]');
      submit?.setAttribute('disabled', '');
      void putRoles(person, slot, `${fullName(person)} is now the ${name}.`).then(() =>
        submit?.removeAttribute('disabled'),
      );
    });
    body = [h('p', { class: 'holder' }, 'Free'), form];
  }
  return h(
    'section',
    { class: 'card slot', 'aria-labelledby': id, 'data-slot': slot },
    h('h2', { id }, name),
    ...body,
    status,
  );
}

/** A slot-taken refusal names who holds the slot, when we know them. */
async function named(
  ctx: ScreenContext,
  partnerId: string,
  error: unknown,
  people: Person[],
): Promise<unknown> {
  if (!(error instanceof ProblemError) || error.problem.code !== 'slot-taken') return error;
  const holderId = error.problem['holderPersonId'];
  if (typeof holderId !== 'string') return error;
  let holder = people.find((p) => p.personId === holderId);
  if (!holder) {
    const { data } = await ctx.api.GET('/api/partners/{partnerId}/people/{personId}', {
      params: { path: { partnerId, personId: holderId } },
    });
    holder = data;
  }
  if (holder) error.problem['holderName'] = fullName(holder);
  return error;
}
