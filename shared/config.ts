import { lazy } from './lazy.js';
import { z } from 'zod';

/**
 * All configuration, read once from the environment and validated. In Azure the connections are
 * identity-based (`<NAME>__accountEndpoint`, `<NAME>__queueServiceUri`, …) and no key is set;
 * locally the emulators' well-known dev keys are given instead.
 */
const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const commaList = z
  .string()
  .trim()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

const url = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }));

const environmentSchema = z.object({
  AzureWebJobsStorage: optionalString,
  AzureWebJobsStorage__queueServiceUri: optionalString.pipe(url.optional()),
  AzureWebJobsStorage__blobServiceUri: optionalString.pipe(url.optional()),

  COSMOS_CONNECTION__accountEndpoint: url,
  /** Only for the local emulator; in Azure local auth is disabled and the managed identity is used. */
  COSMOS_KEY: optionalString,
  COSMOS_DATABASE: z.string().trim().min(1).default('partner-subscriptions'),
  COSMOS_CONTAINER: z.string().trim().min(1).default('partners'),
  /** Create the database and container on first use (local only; in Azure Bicep creates them). */
  COSMOS_CREATE_IF_MISSING: booleanFlag,

  EMAIL_CONNECTION__endpoint: url,
  /** Only for the local ACS endpoint; in Azure the managed identity is used. */
  EMAIL_ACCESS_KEY: optionalString,
  EMAIL_SENDER_ADDRESS: z.string().trim().email(),

  AUTH_ISSUER: url,
  /** Extra accepted issuers (comma-separated), e.g. per-tenant Entra issuers. */
  AUTH_ADDITIONAL_ISSUERS: commaList.default([]),
  /** The API's Application ID URI (e.g. api://…); its client id is accepted too (Entra v2 issues that). */
  AUTH_AUDIENCE: z.string().trim().min(1),
  /** The delegated permission a user's access token must carry in `scp` ("Expose an API"). */
  AUTH_SCOPE: z.string().trim().min(1).default('access_as_user'),
  /** The Entra tenant that runs the service: Platform.Operator counts only in tokens from it. */
  AUTH_HOME_TENANT_ID: z.uuid('must be the home tenant id (a GUID)').transform((id) => id.toLowerCase()),
  /** Defaults to the issuer's discovery document's jwks_uri. */
  AUTH_JWKS_URI: optionalString.pipe(url.optional()),
  /** The app registration used for subscriber sign-in (authorization code + PKCE). */
  AUTH_CLIENT_ID: z.string().trim().min(1),
  /** Locally a dev secret; in Azure a Key Vault reference, never a literal. */
  AUTH_CLIENT_SECRET: z.string().trim().min(1),
  /** MSAL authority; defaults to AUTH_ISSUER with {tenantid} as `organizations` (Entra: https://login.microsoftonline.com/organizations). */
  AUTH_AUTHORITY: optionalString.pipe(url.optional()),
  /** `OIDC` for any OpenID provider (local), `AAD` for Microsoft Entra ID. */
  AUTH_PROTOCOL_MODE: z.enum(['OIDC', 'AAD']).default('OIDC'),
  /**
   * The admin console's app registration (a single-page app: authorization code + PKCE, no secret).
   * In Entra this may be the API's own registration with an SPA redirect URI; locally it is its own client.
   */
  CONSOLE_CLIENT_ID: optionalString,
  /** Seals the sign-in and session cookies; at least 32 characters (Key Vault reference in Azure). */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** Invitation links are derived from it (HMAC), so no link is ever stored; keep it stable. */
  INVITATION_SECRET: z.string().min(32, 'must be at least 32 characters'),

  PUBLIC_BASE_URL: url.default('http://localhost:7071'),
  HEALTH_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
  /** Days after its last assignment before an activated seat can go to someone else (domain rule 7). */
  SEAT_COOLDOWN_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** A queued email older than this (after any throttling delay) is queued again by the timer. */
  EMAIL_STALE_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
});

/** Checked beside the schema (not as a refinement), so it is named even when other settings are wrong. */
function storageProblem(env: Record<string, string | undefined>): string | undefined {
  const has = (name: string) => (env[name] ?? '').trim() !== '';
  return has('AzureWebJobsStorage') || has('AzureWebJobsStorage__queueServiceUri')
    ? undefined
    : '- AzureWebJobsStorage: set AzureWebJobsStorage (a connection string, local) or AzureWebJobsStorage__queueServiceUri and AzureWebJobsStorage__blobServiceUri (identity-based, Azure)';
}

export type Environment = z.infer<typeof environmentSchema>;

export interface AppConfig {
  storage:
    | { kind: 'connection-string'; connectionString: string }
    | { kind: 'identity'; queueServiceUri: string; blobServiceUri: string | undefined };
  cosmos: {
    endpoint: string;
    key: string | undefined;
    database: string;
    container: string;
    createIfMissing: boolean;
  };
  email: { endpoint: string; accessKey: string | undefined; senderAddress: string };
  auth: {
    issuers: string[];
    /** Every accepted `aud`: the Application ID URI and the client id. */
    audiences: string[];
    scope: string;
    homeTenantId: string;
    jwksUri: string | undefined;
  };
  signIn: {
    clientId: string;
    clientSecret: string;
    authority: string;
    protocolMode: 'OIDC' | 'AAD';
    sessionSecret: string;
  };
  /** What the admin console's MSAL needs, served to it as /api/console/config.json. */
  console: {
    clientId: string;
    authority: string;
    protocolMode: 'OIDC' | 'AAD';
    /** The delegated permission it asks for: `<Application ID URI>/<scope>`. */
    apiScope: string;
  };
  invitationSecret: string;
  publicBaseUrl: string;
  healthTimeoutMs: number;
  assignments: { cooldownDays: number; invitationTtlDays: number; emailStaleMinutes: number };
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** Pure: validates an environment and shapes it, naming every missing or wrong setting. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const result = environmentSchema.safeParse(env);
  const lines = result.success
    ? []
    : result.error.issues.map((issue) => `- ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  const storage = storageProblem(env);
  if (storage) lines.unshift(storage);
  if (!result.success || lines.length > 0) {
    throw new ConfigurationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  // A multi-tenant issuer template signs people in through its `organizations` front door.
  const authority = e.AUTH_AUTHORITY ?? e.AUTH_ISSUER.replace('{tenantid}', 'organizations');
  return {
    storage: e.AzureWebJobsStorage
      ? { kind: 'connection-string', connectionString: e.AzureWebJobsStorage }
      : {
          kind: 'identity',
          queueServiceUri: e.AzureWebJobsStorage__queueServiceUri!,
          blobServiceUri: e.AzureWebJobsStorage__blobServiceUri,
        },
    cosmos: {
      endpoint: e.COSMOS_CONNECTION__accountEndpoint,
      key: e.COSMOS_KEY,
      database: e.COSMOS_DATABASE,
      container: e.COSMOS_CONTAINER,
      createIfMissing: e.COSMOS_CREATE_IF_MISSING,
    },
    email: {
      endpoint: e.EMAIL_CONNECTION__endpoint,
      accessKey: e.EMAIL_ACCESS_KEY,
      senderAddress: e.EMAIL_SENDER_ADDRESS,
    },
    auth: {
      issuers: [e.AUTH_ISSUER, ...e.AUTH_ADDITIONAL_ISSUERS],
      audiences: [...new Set([e.AUTH_AUDIENCE, e.AUTH_CLIENT_ID])],
      scope: e.AUTH_SCOPE,
      homeTenantId: e.AUTH_HOME_TENANT_ID,
      jwksUri: e.AUTH_JWKS_URI,
    },
    signIn: {
      clientId: e.AUTH_CLIENT_ID,
      clientSecret: e.AUTH_CLIENT_SECRET,
      authority,
      protocolMode: e.AUTH_PROTOCOL_MODE,
      sessionSecret: e.SESSION_SECRET,
    },
    console: {
      clientId: e.CONSOLE_CLIENT_ID ?? e.AUTH_CLIENT_ID,
      authority,
      protocolMode: e.AUTH_PROTOCOL_MODE,
      apiScope: `${e.AUTH_AUDIENCE.replace(/\/+$/, '')}/${e.AUTH_SCOPE}`,
    },
    invitationSecret: e.INVITATION_SECRET,
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    healthTimeoutMs: e.HEALTH_TIMEOUT_MS,
    assignments: {
      cooldownDays: e.SEAT_COOLDOWN_DAYS,
      invitationTtlDays: e.INVITATION_TTL_DAYS,
      emailStaleMinutes: e.EMAIL_STALE_MINUTES,
    },
  };
}

/** The process's configuration, validated on first use and then reused (the composition root reads it). */
export const config = lazy((): AppConfig => parseConfig(process.env));
