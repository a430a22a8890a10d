/**
 * The slice of oidc-provider 9 that scripts/idp uses. The package ships no type declarations and
 * @types/oidc-provider is not installed, so this describes only what the local IdP touches, checked
 * against node_modules/oidc-provider/lib (provider.js, helpers/defaults.js, models/*).
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type UnknownObject = Record<string, unknown>;

  export interface ClientModel {
    readonly clientId: string;
    readonly clientName?: string;
    readonly redirectUris: string[];
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface SessionModel {
    readonly uid: string;
    accountId?: string;
    amr?: string[];
  }

  /** AuthorizationCode, RefreshToken, AccessToken... the fields scripts/idp reads. */
  export interface TokenModel {
    readonly kind: string;
    readonly jti: string;
    accountId?: string;
    clientId?: string;
    grantId?: string;
    amr?: string[];
    scope?: string;
    extra?: UnknownObject;
    resourceServer?: ResourceServerModel;
  }

  export interface ResourceServerModel {
    readonly audience?: string;
    readonly scope?: string;
    identifier(): string;
  }

  export interface Account {
    accountId: string;
    claims(
      use: string,
      scope: string,
      claims: UnknownObject,
      rejected: string[],
    ): Promise<UnknownObject> | UnknownObject;
  }

  export interface OIDCContext {
    readonly params: Record<string, unknown>;
    readonly client?: ClientModel;
    readonly session?: SessionModel;
    readonly account?: Account;
    readonly route?: string;
    readonly entities: Record<string, unknown>;
  }

  export interface KoaContextWithOIDC {
    readonly oidc: OIDCContext;
    readonly method: string;
    readonly path: string;
    type: string;
    body: unknown;
    status: number;
  }

  export interface PromptDetail {
    readonly name: string;
    readonly reasons: string[];
    readonly details: {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
      [key: string]: unknown;
    };
  }

  export interface InteractionModel {
    readonly uid: string;
    readonly prompt: PromptDetail;
    readonly params: Record<string, unknown>;
    readonly session?: { uid: string; accountId?: string; cookie?: string };
    readonly grantId?: string;
    readonly returnTo: string;
    readonly lastSubmission?: InteractionResults;
  }

  export interface InteractionResults {
    login?: { accountId: string; acr?: string; amr?: string[]; remember?: boolean; ts?: number };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
    [key: string]: unknown;
  }

  export interface GrantModel {
    readonly jti: string;
    accountId?: string;
    clientId?: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(ttl?: number): Promise<string>;
  }

  export interface GrantStatic {
    new (properties: { accountId: string; clientId: string }): GrantModel;
    find(id: string): Promise<GrantModel | undefined>;
  }

  export type AdapterPayload = UnknownObject & {
    grantId?: string;
    userCode?: string;
    uid?: string;
    consumed?: number;
  };

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: 'opaque' | 'jwt';
    jwt?: { sign?: { alg?: string; kid?: string } };
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris?: string[];
    post_logout_redirect_uris?: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    application_type?: 'web' | 'native';
    client_name?: string;
    [key: string]: unknown;
  }

  export type FindAccount = (
    ctx: KoaContextWithOIDC,
    sub: string,
    token?: TokenModel,
  ) => Promise<Account | undefined> | Account | undefined;

  /** Configuration keys scripts/idp sets; anything else keeps oidc-provider's default. */
  export interface Configuration {
    adapter?: new (name: string) => Adapter;
    clients?: ClientMetadata[];
    claims?: Record<string, string[] | null>;
    scopes?: string[];
    conformIdTokenClaims?: boolean;
    cookies?: {
      keys?: string[];
      long?: UnknownObject;
      short?: UnknownObject;
      names?: Record<string, string>;
    };
    jwks?: { keys: UnknownObject[] };
    extraParams?: Record<
      string,
      ((ctx: KoaContextWithOIDC, value: unknown, client: ClientModel) => void | Promise<void>) | null
    >;
    findAccount?: FindAccount;
    extraTokenClaims?: (
      ctx: KoaContextWithOIDC,
      token: TokenModel,
    ) => Promise<UnknownObject | undefined> | UnknownObject | undefined;
    interactions?: {
      policy?: unknown;
      url?: (ctx: KoaContextWithOIDC, interaction: InteractionModel) => string | Promise<string>;
    };
    pkce?: { required?: (ctx: KoaContextWithOIDC, client: ClientModel) => boolean };
    features?: UnknownObject;
    ttl?: Record<string, number | ((...args: unknown[]) => number)>;
    clientBasedCORS?: (ctx: KoaContextWithOIDC, origin: string, client: ClientModel) => boolean;
    renderError?: (
      ctx: KoaContextWithOIDC,
      out: Record<string, string>,
      error: Error,
    ) => void | Promise<void>;
    responseTypes?: string[];
    issueRefreshToken?: (
      ctx: KoaContextWithOIDC,
      client: ClientModel,
      code: TokenModel,
    ) => boolean | Promise<boolean>;
    rotateRefreshToken?: boolean | ((ctx: KoaContextWithOIDC) => boolean);
    [key: string]: unknown;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    /** Koa: do not print unhandled errors to stderr. */
    silent: boolean;
    readonly Grant: GrantStatic;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionModel>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export interface Check {
    readonly reason: string;
  }

  export interface CheckConstructor {
    new (
      reason: string,
      description: string,
      error: string,
      check: (ctx: KoaContextWithOIDC) => boolean | Promise<boolean>,
    ): Check;
    readonly REQUEST_PROMPT: true;
    readonly NO_NEED_TO_PROMPT: false;
  }

  export interface Prompt {
    readonly name: string;
    readonly checks: Check[] & { add(check: Check, index?: number): void };
  }

  export type Policy = Prompt[] & { get(name: string): Prompt | undefined };

  export const interactionPolicy: {
    base(): Policy;
    Check: CheckConstructor;
  };

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
    InvalidRequest: new (description?: string) => Error;
  };

  export default Provider;
}
