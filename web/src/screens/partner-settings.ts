import { must, ProblemError, type Schemas } from '../api/client.js';
import { field, formatDateTime, h } from '../dom.js';
import type { ScreenContext } from '../router.js';
import { badge, button, heading, onSubmit, table } from '../ui.js';
import { BENEFIT_NAMES } from './overview.js';
import { entitlementFields, entitlementOf, listOf, markInvalid, text, textarea } from './partner-form.js';

type Administrator = Schemas['ProgramAdministrator'];

/**
 * A partner's settings (operators): name, verified domains, Program Administrators and entitlements,
 * changed with If-Match on the version loaded, so a change made meanwhile is refused, not overwritten.
 */
export async function partnerSettingsScreen(ctx: ScreenContext): Promise<Node> {
  const partnerId = ctx.params['partnerId']!;
  if (!ctx.isOperator) {
    // Only a platform operator may change a partner: say so before the form, not after a refused save.
    throw new ProblemError({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: 'Only a platform operator changes a partner.',
      code: 'forbidden',
      traceId: '',
    });
  }
  const { data, error, response } = await ctx.api.GET('/api/partners/{partnerId}', {
    params: { path: { partnerId } },
  });
  const partner = await must(Promise.resolve({ data, error, response }));
  const etag = response.headers.get('etag');

  const administrators = table<Administrator>(
    'Program Administrators',
    [
      { header: 'Email', cell: (a) => a.email },
      {
        header: 'State',
        cell: (a) =>
          a.objectId
            ? h('span', {}, badge('Signed in', 'success'), ` since ${formatDateTime(a.boundAt)}`)
            : badge('Not signed in yet', 'warning'),
      },
    ],
    partner.programAdministrators,
    'No Program Administrators.',
  );

  const fieldsets = partner.entitlements.map((e, i) => entitlementFields(e.benefit, i, e));
  const form = h(
    'form',
    { class: 'stack narrow' },
    field('Name', h('input', { name: 'name', required: true, maxlength: 200, value: partner.name })),
    field(
      'Verified domains',
      textarea('verifiedDomains', partner.verifiedDomains.join('\n'), 3, true),
      'One a line, or separated by commas.',
    ),
    field(
      'Program Administrators',
      textarea(
        'programAdministrators',
        partner.programAdministrators.map((a) => a.email).join('\n'),
        3,
        true,
      ),
      'An address kept keeps its sign-in binding; a new or changed one starts as not signed in yet.',
    ),
    fieldsets.length ? fieldsets : h('p', {}, 'This partner has no entitlements.'),
    h(
      'div',
      { class: 'actions' },
      button('Save changes', null, { appearance: 'primary', type: 'submit' }),
      // After a refusal because someone changed the partner meanwhile: load the latest version.
      button('Discard and reload', () => ctx.refresh()),
    ),
  );

  onSubmit(form, async (values) => {
    const body: Schemas['UpdatePartner'] = {
      name: text(values.get('name')),
      verifiedDomains: listOf(values.get('verifiedDomains')),
      programAdministrators: listOf(values.get('programAdministrators')),
    };
    const entitlements = fieldsets.map((fieldset) => entitlementOf(fieldset, values)).filter((e) => !!e);
    if (entitlements.length) body.entitlements = entitlements;
    const updated = await must(
      ctx.api.PATCH('/api/partners/{partnerId}', {
        params: { path: { partnerId } },
        body,
        ...(etag ? { headers: { 'if-match': etag } } : {}),
      }),
    ).catch((error: unknown) => markInvalid(form, error));
    ctx.notify(`The settings of ${updated.name} are saved.`);
    ctx.refresh();
  });

  return h(
    'section',
    {},
    heading(`Settings`),
    h('p', { class: 'lede' }, partner.name, ' · ', h('code', {}, partner.partnerId)),
    h('h2', {}, 'Program Administrators'),
    administrators,
    h('h2', {}, 'Change the partner'),
    h(
      'p',
      { class: 'hint' },
      `Entitlements: ${partner.entitlements.map((e) => BENEFIT_NAMES[e.benefit] ?? e.benefit).join(', ') || 'none'}.`,
    ),
    form,
  );
}
