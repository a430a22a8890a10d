import { field, h } from '../dom.js';
import { linkTo, type ScreenContext } from '../router.js';
import { button, heading, onSubmit } from '../ui.js';

const LAST_PARTNER = 'console.lastPartnerId';

/**
 * The start: an operator goes to the partners list; a Program Administrator opens their partner by its
 * id (the partner id their organization was given, as in Partner Center), remembered for this tab.
 */
export function homeScreen(ctx: ScreenContext): Node {
  const input = h('input', {
    name: 'partnerId',
    required: true,
    autocomplete: 'organization',
    spellcheck: 'false',
    value: sessionStorage.getItem(LAST_PARTNER) ?? '',
  });
  const form = h(
    'form',
    { class: 'stack narrow' },
    field('Partner ID', input, "Your organization's partner id, e.g. contoso."),
    h('div', { class: 'actions' }, button('Open', null, { appearance: 'primary', type: 'submit' })),
  );
  onSubmit(form, async (data) => {
    const partnerId = String(data.get('partnerId') ?? '').trim();
    sessionStorage.setItem(LAST_PARTNER, partnerId);
    ctx.navigate(linkTo('partners', partnerId));
  });
  return h(
    'section',
    {},
    heading('Welcome'),
    ctx.isOperator
      ? h(
          'p',
          {},
          'You are a platform operator. ',
          h('a', { href: linkTo('partners') }, 'See every partner'),
          '.',
        )
      : h('p', {}, 'Open the partner you administer.'),
    form,
  );
}
