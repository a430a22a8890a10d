import { must, type Schemas } from '../api/client.js';
import { field, h } from '../dom.js';
import { linkTo, type ScreenContext } from '../router.js';
import { button, heading, onSubmit } from '../ui.js';
import {
  entitlementFields,
  entitlementOf,
  listOf,
  markInvalid,
  PROGRAM_BENEFIT,
  text,
  textarea,
} from './partner-form.js';

const COMPETENCY_ROWS = 3;

/** Create a partner (operators): its id, name, program, domains, tenant, administrators and terms. */
export function partnerNewScreen(ctx: ScreenContext): Node {
  const program = h(
    'select',
    { name: 'program', required: true },
    h('option', { value: 'action-pack' }, 'Action Pack'),
    h('option', { value: 'competency' }, 'Competency'),
  );
  const competencies = h(
    'fieldset',
    { class: 'stack' },
    h('legend', {}, 'Competencies (optional)'),
    Array.from({ length: COMPETENCY_ROWS }, (_, i) =>
      h(
        'div',
        { class: 'row' },
        field(`Competency ${i + 1} name`, h('input', { name: `competencies.${i}.name`, maxlength: 100 })),
        field(
          `Competency ${i + 1} level`,
          h(
            'select',
            { name: `competencies.${i}.level` },
            h('option', { value: 'silver' }, 'Silver'),
            h('option', { value: 'gold' }, 'Gold'),
          ),
        ),
      ),
    ),
  );
  const entitlements = {
    'action-pack': entitlementFields(PROGRAM_BENEFIT['action-pack'], 0),
    competency: entitlementFields(PROGRAM_BENEFIT.competency, 0),
  };
  const showProgram = () => {
    const chosen = program.value as keyof typeof entitlements;
    competencies.hidden = chosen !== 'competency';
    for (const [key, fieldset] of Object.entries(entitlements)) {
      fieldset.hidden = key !== chosen;
      for (const input of fieldset.querySelectorAll('input')) input.disabled = key !== chosen;
    }
  };
  program.addEventListener('change', showProgram);

  const form = h(
    'form',
    { class: 'stack narrow', novalidate: false },
    field(
      'Partner ID',
      h('input', {
        name: 'partnerId',
        required: true,
        spellcheck: 'false',
        pattern: '[a-z0-9][a-z0-9\\-]{1,62}[a-z0-9]',
      }),
      '3 to 64 lower-case letters, digits and hyphens, e.g. contoso.',
    ),
    field('Name', h('input', { name: 'name', required: true, maxlength: 200, autocomplete: 'off' })),
    field('Program', program),
    field(
      'Verified domains',
      textarea('verifiedDomains', '', 2, true),
      'One a line, or separated by commas.',
    ),
    field(
      'Tenant ID',
      h('input', { name: 'tenantId', required: true, spellcheck: 'false' }),
      "The partner's Microsoft Entra tenant id (a GUID).",
    ),
    field(
      'Program Administrators',
      textarea('programAdministrators', '', 3, true),
      'Work email addresses in the verified domains, one a line or separated by commas.',
    ),
    competencies,
    h(
      'div',
      { class: 'stack' },
      h('p', { class: 'hint' }, 'Leave the entitlement empty to use the program’s default.'),
      Object.values(entitlements),
    ),
    h(
      'div',
      { class: 'actions' },
      button('Create partner', null, { appearance: 'primary', type: 'submit' }),
      button('Cancel', () => ctx.navigate(linkTo('partners'))),
    ),
  );
  showProgram();

  onSubmit(form, async (data) => {
    const chosen = program.value as Schemas['CreatePartner']['program'];
    const body: Schemas['CreatePartner'] = {
      partnerId: text(data.get('partnerId')),
      name: text(data.get('name')),
      program: chosen,
      verifiedDomains: listOf(data.get('verifiedDomains')),
      tenantId: text(data.get('tenantId')),
      programAdministrators: listOf(data.get('programAdministrators')),
    };
    if (chosen === 'competency') {
      const named = Array.from({ length: COMPETENCY_ROWS }, (_, i) => ({
        name: text(data.get(`competencies.${i}.name`)),
        level: text(data.get(`competencies.${i}.level`)) as 'silver' | 'gold',
      })).filter((c) => c.name);
      if (named.length) body.competencies = named;
    }
    const entitlement = entitlementOf(entitlements[chosen], data);
    if (entitlement) body.entitlements = [entitlement];
    const created = await must(ctx.api.POST('/api/partners', { body })).catch((error: unknown) =>
      markInvalid(form, error, {
        'already-exists': 'partnerId',
        'email-domain-not-verified': 'programAdministrators',
      }),
    );
    ctx.notify(`${created.name} is created. Its Program Administrators can sign in now.`);
    ctx.navigate(linkTo('partners', created.partnerId));
  });

  return h('section', {}, heading('Create a partner'), form);
}
