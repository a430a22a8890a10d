import type { Account, KoaContextWithOIDC, Policy, TokenModel, UnknownObject } from 'oidc-provider';
import type * as OidcProviderModule from 'oidc-provider';
import { API_SCOPE, DEV_OPERATOR_PARAM } from './clients.js';
import {
  claimsFor,
  HOME_TENANT_ID,
  normalizeEmail,
  OPERATOR_ROLE,
  subjectFor,
  type DevUserClaims,
} from './users.js';

/** `amr` value recorded at sign-in when the dev operator role was asked for (checkbox or dev_operator=true). */
export const OPERATOR_AMR = 'dev_operator';

interface DevAccount extends Account {
  readonly profile: DevUserClaims;
}

function isDevAccount(account: Account | undefined): account is DevAccount {
  return account !== undefined && 'profile' in account;
}

/** Did this sign-in ask for the operator role? Read from the token being issued, else the session. */
function operatorRequested(
  ctx: KoaContextWithOIDC | undefined,
  accountId: string,
  token?: TokenModel,
): boolean {
  if (token?.amr) return token.amr.includes(OPERATOR_AMR);
  if (token?.extra) {
    const roles = token.extra.roles;
    return Array.isArray(roles) && roles.includes(OPERATOR_ROLE);
  }
  const session = ctx?.oidc.session;
  if (session?.accountId === accountId && session.amr) return session.amr.includes(OPERATOR_AMR);
  return false;
}

export type FindDevAccount = (
  ctx: KoaContextWithOIDC,
  sub: string,
  token?: TokenModel,
) => DevAccount | undefined;

/**
 * The tenant's accounts. The tenant assigned the user the operator role: the home tenant assigns it to
 * configured operators; any tenant assigns it when the sign-in asked for it (a tenant admin giving
 * their own user the role).
 */
export function accountFinder(
  tenantId: string,
  operators: Set<string>,
  accounts: Map<string, string>,
): FindDevAccount {
  return (ctx, sub, token) => {
    const email = accounts.get(sub);
    if (!email) return undefined;
    const configured = tenantId === HOME_TENANT_ID && operators.has(email);
    const profile = claimsFor(email, tenantId, configured || operatorRequested(ctx, sub, token));
    return { accountId: sub, profile, claims: () => ({ ...profile }) };
  };
}

/** The Entra-like claims every token of the account carries, plus scp and azp. */
export function tokenClaims(audience: string, apiScopes: Set<string>, findAccount: FindDevAccount) {
  return async (ctx: KoaContextWithOIDC, token: TokenModel): Promise<UnknownObject | undefined> => {
    if (!token.accountId) return undefined;
    const account =
      isDevAccount(ctx.oidc.account) && ctx.oidc.account.accountId === token.accountId
        ? ctx.oidc.account
        : findAccount(ctx, token.accountId, token);
    if (!account) return undefined;
    // Entra-style scp: the API's delegated permissions without the Application ID URI prefix. A client
    // that asked for none (like Entra's "/.default") gets the one permission the API exposes.
    const granted = (token.scope ?? '')
      .split(' ')
      .filter((s) => apiScopes.has(s))
      .map((s) => (s.startsWith(`${audience}/`) ? s.slice(audience.length + 1) : s));
    const { sub: _sub, ...claims } = account.profile;
    return {
      ...claims,
      ...(token.clientId ? { azp: token.clientId } : {}),
      scp: [...new Set(granted)].join(' ') || API_SCOPE,
    };
  };
}

/**
 * A signed-in browser session is reused (SSO) unless the request names someone else or asks for
 * another role; then the user signs in again. Sessions belong to one tenant (cookies per tenant), so
 * another dev_tenant always lands in another session.
 */
export function loginPolicy(
  interactionPolicy: typeof OidcProviderModule.interactionPolicy,
  tenantId: string,
): Policy {
  const policy = interactionPolicy.base();
  const { Check } = interactionPolicy;
  const login = policy.get('login');
  login?.checks.add(
    new Check('login_hint_other_user', 'login_hint names another user', 'login_required', (ctx) => {
      const hinted = normalizeEmail(ctx.oidc.params.login_hint);
      const current = ctx.oidc.session?.accountId;
      return hinted !== undefined && current !== undefined && subjectFor(tenantId, hinted) !== current
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT;
    }),
  );
  login?.checks.add(
    new Check(
      'dev_operator_changed',
      'dev_operator differs from the signed-in role',
      'login_required',
      (ctx) => {
        const asked = ctx.oidc.params[DEV_OPERATOR_PARAM];
        const session = ctx.oidc.session;
        if (asked === undefined || !session?.accountId) return Check.NO_NEED_TO_PROMPT;
        const current = session.amr?.includes(OPERATOR_AMR) ?? false;
        return (asked === 'true') !== current ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
      },
    ),
  );
  return policy;
}
