import { must } from '../api/client.js';
import { formatDate, h } from '../dom.js';
import type { ScreenContext } from '../router.js';
import { badge, heading, messageBar } from '../ui.js';

export const BENEFIT_NAMES: Record<string, string> = {
  'vs-enterprise': 'Visual Studio Enterprise',
  'vs-professional': 'Visual Studio Professional',
};

/** From this many days before an entitlement ends, the overview warns (the first expiry notice goes then). */
const WARN_DAYS = 120;
const DAY_MS = 24 * 60 * 60 * 1000;

export const daysUntil = (day: string, now: Date) =>
  Math.ceil((Date.parse(`${day}T23:59:59Z`) - now.getTime()) / DAY_MS);

/** The partner's overview: per benefit its seats and how they are used, and how long the entitlement runs. */
export async function overviewScreen(ctx: ScreenContext): Promise<Node> {
  const partnerId = ctx.params['partnerId']!;
  const usage = await must(
    ctx.api.GET('/api/partners/{partnerId}/usage', { params: { path: { partnerId } } }),
  );
  const partner = ctx.partner!;
  const now = new Date(usage.at);
  const cards = usage.benefits.map((b) => {
    const daysLeft = daysUntil(b.expiresOn, now);
    const ending =
      b.active && daysLeft <= WARN_DAYS
        ? messageBar(
            'warning',
            `This entitlement ends on ${formatDate(b.expiresOn)}: ${daysLeft} day${daysLeft === 1 ? '' : 's'} left. Ask your Microsoft contact about renewal.`,
          )
        : null;
    const name = BENEFIT_NAMES[b.benefit] ?? b.benefit;
    return h(
      'section',
      { class: 'card', 'aria-labelledby': `benefit-${b.benefit}` },
      h(
        'h2',
        { id: `benefit-${b.benefit}` },
        name,
        ' ',
        b.active ? badge('In force', 'success') : badge('Not in force', 'danger'),
      ),
      h(
        'dl',
        { class: 'figures' },
        figure('Seats', b.seats),
        figure('Invited', b.invited),
        figure('Active', b.activated),
        figure('Available', b.available),
        figure('Cooling down', b.coolingDown),
        figure(
          'Max usage',
          b.maxUsage ? `${b.maxUsage.count} (first on ${formatDate(b.maxUsage.firstReachedAt)})` : 'none yet',
        ),
      ),
      h(
        'p',
        { class: 'dates' },
        `Entitlement ${formatDate(b.startsOn)} – ${formatDate(b.expiresOn)}`,
        b.active ? ` · ${daysLeft} days left` : '',
      ),
      ending,
    );
  });
  return h(
    'section',
    {},
    heading(partner.name),
    h(
      'p',
      { class: 'lede' },
      partner.program === 'action-pack' ? 'Action Pack' : 'Competency',
      ` partner · ${partner.verifiedDomains.join(', ')}`,
    ),
    h('div', { class: 'cards' }, cards.length ? cards : h('p', {}, 'This partner has no entitlements.')),
  );
}

function figure(label: string, value: string | number): Node {
  return h('div', {}, h('dt', {}, label), h('dd', {}, String(value)));
}
