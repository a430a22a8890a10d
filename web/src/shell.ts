import { createApi, ProblemError } from './api/client.js';
import type { SignedIn } from './auth.js';
import { h, show } from './dom.js';
import { linkTo, match, type Partner, type Route, type ScreenContext } from './router.js';
import { button, loading, messageBar, problemBar } from './ui.js';

export const OPERATOR_ROLE = 'Platform.Operator';

/**
 * The page around every screen: a banner with who is signed in and sign-out, the partner's navigation
 * (a landmark), the main region, and one polite live region for results. On each navigation the screen is
 * rendered into <main> and focus moves to its heading, as a screen reader user expects.
 */
export function startShell(root: HTMLElement, me: SignedIn, routes: Route[]): void {
  const api = createApi(() => me.token());
  const isOperator = me.roles.includes(OPERATOR_ROLE);
  const live = h('div', { class: 'visually-hidden', 'aria-live': 'polite', role: 'status' });
  const notice = h('div', { class: 'notice' });
  const nav = h('nav', { 'aria-label': 'Partner', class: 'partner-nav' });
  const main = h('main', { id: 'main', tabindex: -1 });
  const header = h(
    'header',
    { class: 'banner' },
    h('a', { href: linkTo(), class: 'brand' }, 'Partner subscriptions'),
    h(
      'div',
      { class: 'who' },
      h('span', { class: 'account' }, me.account.username, isOperator ? ' · platform operator' : ''),
      button('Sign out', () => void me.signOut(), { appearance: 'subtle' }),
    ),
  );
  show(root, header, h('div', { class: 'layout' }, nav, h('div', { class: 'content' }, notice, main)), live);

  let partnerCache: Partner | undefined;
  let generation = 0;
  // A result announced just before a navigation stays shown on the next screen.
  let keepNotice = false;

  async function render(): Promise<void> {
    const mine = ++generation;
    const found = match(routes, location.hash || '#/');
    show(main, loading('the page'));
    if (!found) {
      document.title = 'Not found · Partner subscriptions';
      show(nav);
      show(
        main,
        h('h1', { tabindex: -1 }, 'Page not found'),
        h('p', {}, h('a', { href: linkTo() }, 'Go to the start')),
      );
      return;
    }
    const { route, params, query } = found;
    let partner: Partner | undefined;
    try {
      if (params['partnerId']) {
        partner = await loadPartner(params['partnerId']);
      }
      const ctx: ScreenContext = {
        api,
        me,
        isOperator,
        params,
        query,
        ...(partner ? { partner } : {}),
        navigate: (path) => {
          if (location.hash === path) void render();
          else location.hash = path;
        },
        refresh: () => {
          partnerCache = undefined;
          void render();
        },
        notify: (message) => {
          keepNotice = true;
          show(notice, messageBar('success', message));
          live.textContent = message;
        },
      };
      const view = await route.screen(ctx);
      if (mine !== generation) return;
      document.title = `${route.title}${partner ? ` · ${partner.name}` : ''} · Partner subscriptions`;
      showNav(partner, route);
      show(main, view);
    } catch (error) {
      if (mine !== generation) return;
      document.title = `${route.title} · Partner subscriptions`;
      showNav(partner, route);
      show(main, h('h1', { tabindex: -1 }, route.title), problemBar(error));
      if (error instanceof ProblemError && error.problem.code === 'unauthenticated') {
        main.append(button('Sign in again', () => void me.signOut(), { appearance: 'primary' }));
      }
    }
    main.querySelector<HTMLElement>('h1')?.focus();
  }

  async function loadPartner(partnerId: string): Promise<Partner> {
    if (partnerCache?.partnerId === partnerId) return partnerCache;
    const { data, error } = await api.GET('/api/partners/{partnerId}', { params: { path: { partnerId } } });
    if (!data)
      throw error && typeof error === 'object' && 'code' in error
        ? new ProblemError(error as never)
        : new Error('The partner did not load.');
    partnerCache = data;
    return data;
  }

  function showNav(partner: Partner | undefined, current: Route): void {
    if (!partner) {
      show(
        nav,
        isOperator
          ? h(
              'ul',
              {},
              h(
                'li',
                {},
                h(
                  'a',
                  {
                    href: linkTo('partners'),
                    ...(current.path === '/partners' ? { 'aria-current': 'page' } : {}),
                  },
                  'Partners',
                ),
              ),
            )
          : null,
      );
      return;
    }
    const items = routes.filter(
      (route) =>
        route.nav &&
        (!route.nav.programs || route.nav.programs.includes(partner.program)) &&
        (!route.nav.operatorOnly || isOperator),
    );
    show(
      nav,
      h('p', { class: 'nav-partner' }, partner.name),
      h(
        'ul',
        {},
        items.map((route) => {
          const href = `#${route.path.replace(':partnerId', encodeURIComponent(partner.partnerId))}`;
          return h(
            'li',
            {},
            h('a', { href, ...(route === current ? { 'aria-current': 'page' } : {}) }, route.nav!.label),
          );
        }),
      ),
    );
  }

  window.addEventListener('hashchange', () => {
    if (!keepNotice) show(notice);
    keepNotice = false;
    void render();
  });
  void render();
}
