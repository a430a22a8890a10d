import type { Api, Schemas } from './api/client.js';
import type { SignedIn } from './auth.js';

export type Partner = Schemas['Partner'];

/** What a screen is given: the API, who is signed in, the route's parameters, and how to move on. */
export interface ScreenContext {
  api: Api;
  me: SignedIn;
  isOperator: boolean;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The partner a partner route is about, loaded by the shell once per navigation. */
  partner?: Partner;
  navigate(path: string): void;
  /** Shows the screen again with fresh data (after a change). */
  refresh(): void;
  /** Announces a result politely (a live region) and shows it at the top of the page. */
  notify(message: string): void;
}

export type Screen = (ctx: ScreenContext) => Promise<Node> | Node;

export interface Route {
  /** A hash path with `:name` parameters, e.g. /partners/:partnerId/people. */
  path: string;
  title: string;
  screen: Screen;
  /** Shown in the partner's navigation (in this order), optionally only for some programs or operators. */
  nav?: { label: string; programs?: Partner['program'][]; operatorOnly?: boolean };
}

export interface Match {
  route: Route;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** The route a hash names (#/partners/contoso/people?q=ada), or undefined. */
export function match(routes: Route[], hash: string): Match | undefined {
  const [path = '/', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = (path || '/').split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const fits = pattern.every((segment, i) => {
      const part = decodeURIComponent(parts[i]!);
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = part;
        return true;
      }
      return segment === part;
    });
    if (fits) return { route, params, query: new URLSearchParams(search) };
  }
  return undefined;
}

/** A hash link to a path, each parameter encoded. */
export const linkTo = (...segments: string[]) => `#/${segments.map(encodeURIComponent).join('/')}`;
