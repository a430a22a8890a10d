import { must } from '../api/client.js';
import { field, h } from '../dom.js';
import { linkTo, type Partner, type ScreenContext } from '../router.js';
import { button, heading, onSubmit, table } from '../ui.js';

const PAGE_SIZE = 25;

export const programName = (program: Partner['program']) =>
  program === 'action-pack' ? 'Action Pack' : 'Competency';

/** A hash for the partners list with a search and a page cursor. */
function listHash(q: string, cursor?: string, limit?: string | null): string {
  const query = new URLSearchParams();
  if (q) query.set('q', q);
  if (limit) query.set('limit', limit);
  if (cursor) query.set('cursor', cursor);
  const search = query.toString();
  return `${linkTo('partners')}${search ? `?${search}` : ''}`;
}

/**
 * The operator's partners list: every partner in id order, searchable by id or name (`?q=` in the hash,
 * so a search can be bookmarked and Back works), a page at a time.
 */
export async function partnersScreen(ctx: ScreenContext): Promise<Node> {
  const q = ctx.query.get('q')?.trim() ?? '';
  const cursor = ctx.query.get('cursor') ?? undefined;
  const size = ctx.query.get('limit');
  const page = await must(
    ctx.api.GET('/api/partners', {
      params: {
        query: { limit: Number(size) || PAGE_SIZE, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) },
      },
    }),
  );

  const input = h('input', { type: 'search', name: 'q', value: q, spellcheck: 'false', maxlength: 100 });
  const search = h(
    'form',
    { class: 'stack narrow', role: 'search' },
    field('Search partners', input, 'Part of a partner id or name.'),
    h('div', { class: 'actions' }, button('Search', null, { type: 'submit' })),
  );
  onSubmit(search, async (data) =>
    ctx.navigate(listHash(String(data.get('q') ?? '').trim(), undefined, size)),
  );

  const rows = table<Partner>(
    q ? `Partners matching “${q}”` : 'Partners',
    [
      {
        header: 'Partner',
        cell: (p) => h('a', { href: linkTo('partners', p.partnerId) }, p.name),
      },
      { header: 'Partner ID', cell: (p) => h('code', {}, p.partnerId) },
      { header: 'Program', cell: (p) => programName(p.program) },
      { header: 'Verified domains', cell: (p) => p.verifiedDomains.join(', ') },
      {
        header: 'Seats',
        cell: (p) => p.usage.map((u) => `${u.seats - u.available} of ${u.seats} in use`).join('; ') || '—',
      },
    ],
    page.items,
    q ? `No partner matches “${q}”.` : 'No partners yet.',
  );

  return h(
    'section',
    {},
    heading(
      'Partners',
      button('Create a partner', () => ctx.navigate(linkTo('partners', 'new')), { appearance: 'primary' }),
    ),
    search,
    rows,
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages of partners' },
      cursor ? h('a', { href: listHash(q, undefined, size) }, 'First page') : null,
      page.nextCursor ? h('a', { href: listHash(q, page.nextCursor, size), rel: 'next' }, 'Next page') : null,
    ),
  );
}
