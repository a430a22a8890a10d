import { describe, expect, it } from 'vitest';
import { ConfigurationError, parseConfig } from '../../shared/config.js';
import { aLocalEnvironment, anAzureEnvironment } from '../support/mothers/environment.js';

/** Parses and returns the ConfigurationError's message, failing if parsing succeeds or throws something else. */
function configurationErrorFor(env: Record<string, string | undefined>): string {
  let thrown: unknown;
  try {
    parseConfig(env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigurationError);
  expect((thrown as Error).name).toBe('ConfigurationError');
  return (thrown as Error).message;
}

const REQUIRED = [
  'COSMOS_CONNECTION__accountEndpoint',
  'EMAIL_CONNECTION__endpoint',
  'EMAIL_SENDER_ADDRESS',
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
  'AUTH_HOME_TENANT_ID',
  'INVITATION_SECRET',
] as const;

describe('parseConfig', () => {
  it('shapes a complete local environment with connection-string storage', () => {
    expect(parseConfig(aLocalEnvironment())).toEqual({
      storage: { kind: 'connection-string', connectionString: 'UseDevelopmentStorage=true' },
      cosmos: {
        endpoint: 'http://127.0.0.1:8081',
        key: 'emulator-key',
        database: 'partner-subscriptions',
        container: 'partners',
        createIfMissing: true,
      },
      email: {
        endpoint: 'http://127.0.0.1:7072',
        accessKey: 'local-access-key',
        senderAddress: 'DoNotReply@partner-subscriptions.local',
      },
      auth: {
        issuers: ['https://127.0.0.1:7443/{tenantid}/v2.0'],
        audiences: ['api://partner-subscriptions', 'partner-subscriptions-api'],
        scope: 'access_as_user',
        homeTenantId: '30984cb4-46f1-58b5-8a1c-c26dcfeb7f90',
        jwksUri: undefined,
      },
      invitationSecret: 'an-invitation-secret-of-at-least-32-characters',
      publicBaseUrl: 'http://localhost:7071',
      healthTimeoutMs: 2000,
      assignments: { cooldownDays: 90, invitationTtlDays: 30, emailStaleMinutes: 10 },
      signIn: {
        clientId: 'partner-subscriptions-api',
        clientSecret: 'local-dev-secret',
        authority: 'https://127.0.0.1:7443/organizations/v2.0',
        protocolMode: 'OIDC',
        sessionSecret: 'a-session-secret-of-at-least-32-characters',
      },
      // No CONSOLE_CLIENT_ID: the console signs in with the API's own registration (Entra: an SPA platform).
      console: {
        clientId: 'partner-subscriptions-api',
        authority: 'https://127.0.0.1:7443/organizations/v2.0',
        protocolMode: 'OIDC',
        apiScope: 'api://partner-subscriptions/access_as_user',
      },
    });
  });

  it('reads the assignment policy settings', () => {
    const parsed = parseConfig({
      ...aLocalEnvironment(),
      SEAT_COOLDOWN_DAYS: '7',
      INVITATION_TTL_DAYS: '3',
      EMAIL_STALE_MINUTES: '2',
    });
    expect(parsed.assignments).toEqual({ cooldownDays: 7, invitationTtlDays: 3, emailStaleMinutes: 2 });
    expect(() => parseConfig({ ...aLocalEnvironment(), INVITATION_TTL_DAYS: '0' })).toThrow(
      /INVITATION_TTL_DAYS/,
    );
  });

  it('shapes an Azure environment with identity-based storage and no keys', () => {
    const config = parseConfig(anAzureEnvironment());
    expect(config.storage).toEqual({
      kind: 'identity',
      queueServiceUri: 'https://stpartners.queue.core.windows.net',
      blobServiceUri: 'https://stpartners.blob.core.windows.net',
    });
    expect(config.cosmos.key).toBeUndefined();
    expect(config.email.accessKey).toBeUndefined();
  });

  it('applies the defaults for optional settings', () => {
    const config = parseConfig(anAzureEnvironment());
    expect(config.cosmos).toMatchObject({
      database: 'partner-subscriptions',
      container: 'partners',
      createIfMissing: false,
    });
    expect(config.publicBaseUrl).toBe('http://localhost:7071');
    expect(config.healthTimeoutMs).toBe(2000);
    expect(config.auth.jwksUri).toBeUndefined();
  });

  it('treats empty optional strings as unset', () => {
    const config = parseConfig(
      aLocalEnvironment({ COSMOS_KEY: '', EMAIL_ACCESS_KEY: '  ', AUTH_JWKS_URI: '' }),
    );
    expect(config.cosmos.key).toBeUndefined();
    expect(config.email.accessKey).toBeUndefined();
    expect(config.auth.jwksUri).toBeUndefined();
  });

  it('prefers the connection string when both storage forms are set', () => {
    const config = parseConfig(
      aLocalEnvironment({
        AzureWebJobsStorage__queueServiceUri: 'https://stpartners.queue.core.windows.net',
      }),
    );
    expect(config.storage.kind).toBe('connection-string');
  });

  it('treats an empty AzureWebJobsStorage as unset and falls back to the identity-based form', () => {
    const config = parseConfig(anAzureEnvironment({ AzureWebJobsStorage: '' }));
    expect(config.storage.kind).toBe('identity');
  });

  it.each(REQUIRED)('names the missing setting %s', (name) => {
    const message = configurationErrorFor(aLocalEnvironment({ [name]: undefined }));
    expect(message).toContain(name);
  });

  it('names the missing storage settings when only they are missing', () => {
    const message = configurationErrorFor(aLocalEnvironment({ AzureWebJobsStorage: undefined }));
    expect(message).toContain('AzureWebJobsStorage');
    expect(message).toContain('AzureWebJobsStorage__queueServiceUri');
  });

  it('names every missing setting of an empty environment, storage included', () => {
    const message = configurationErrorFor({});
    for (const name of REQUIRED) expect(message).toContain(name);
    expect(message).toMatch(/^- AzureWebJobsStorage:/m);
  });

  it('names the missing storage setting together with another missing setting', () => {
    const message = configurationErrorFor(
      aLocalEnvironment({ AzureWebJobsStorage: undefined, AUTH_AUDIENCE: undefined }),
    );
    expect(message).toMatch(/^- AUTH_AUDIENCE:/m);
    expect(message).toMatch(/^- AzureWebJobsStorage:/m);
  });

  it('names each malformed URL', () => {
    const message = configurationErrorFor(
      aLocalEnvironment({
        COSMOS_CONNECTION__accountEndpoint: 'not a url',
        AUTH_ISSUER: 'http//127.0.0.1:7443',
      }),
    );
    expect(message).toMatch(/^- COSMOS_CONNECTION__accountEndpoint:/m);
    expect(message).toMatch(/^- AUTH_ISSUER:/m);
    expect(message).not.toMatch(/^- EMAIL_CONNECTION__endpoint:/m);
  });

  it('names an endpoint given without its http(s) scheme (host:port parses as a URL with scheme "localhost:")', () => {
    const message = configurationErrorFor(
      aLocalEnvironment({
        COSMOS_CONNECTION__accountEndpoint: 'localhost:8081',
        EMAIL_CONNECTION__endpoint: '127.0.0.1:7072',
      }),
    );
    expect(message).toMatch(/^- COSMOS_CONNECTION__accountEndpoint:/m);
    expect(message).toMatch(/^- EMAIL_CONNECTION__endpoint:/m);
  });

  it('names a malformed identity-based storage URL and PUBLIC_BASE_URL', () => {
    const message = configurationErrorFor(
      anAzureEnvironment({ AzureWebJobsStorage__queueServiceUri: 'stpartners queue', PUBLIC_BASE_URL: '::' }),
    );
    expect(message).toMatch(/^- AzureWebJobsStorage__queueServiceUri:/m);
    expect(message).toMatch(/^- PUBLIC_BASE_URL:/m);
  });

  it('names a malformed sender address and health timeout', () => {
    const message = configurationErrorFor(
      aLocalEnvironment({ EMAIL_SENDER_ADDRESS: 'not-an-email', HEALTH_TIMEOUT_MS: '-5' }),
    );
    expect(message).toMatch(/^- EMAIL_SENDER_ADDRESS:/m);
    expect(message).toMatch(/^- HEALTH_TIMEOUT_MS:/m);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
    ['', false],
    [undefined, false],
  ] as const)('parses COSMOS_CREATE_IF_MISSING=%s as %s', (value, expected) => {
    expect(parseConfig(aLocalEnvironment({ COSMOS_CREATE_IF_MISSING: value })).cosmos.createIfMissing).toBe(
      expected,
    );
  });

  it('refuses a boolean it does not understand, naming it', () => {
    const message = configurationErrorFor(aLocalEnvironment({ COSMOS_CREATE_IF_MISSING: 'yes' }));
    expect(message).toMatch(/^- COSMOS_CREATE_IF_MISSING:/m);
  });

  it('removes trailing slashes from PUBLIC_BASE_URL', () => {
    expect(
      parseConfig(aLocalEnvironment({ PUBLIC_BASE_URL: 'https://partners.example/' })).publicBaseUrl,
    ).toBe('https://partners.example');
    expect(
      parseConfig(aLocalEnvironment({ PUBLIC_BASE_URL: 'https://partners.example/app//' })).publicBaseUrl,
    ).toBe('https://partners.example/app');
  });

  it('adds the comma-separated additional issuers after AUTH_ISSUER', () => {
    const config = parseConfig(
      aLocalEnvironment({ AUTH_ADDITIONAL_ISSUERS: ' https://a.example/v2.0 , ,https://b.example/v2.0 ' }),
    );
    expect(config.auth.issuers).toEqual([
      'https://127.0.0.1:7443/{tenantid}/v2.0',
      'https://a.example/v2.0',
      'https://b.example/v2.0',
    ]);
  });

  it('names a home tenant that is not a GUID, and a short invitation secret', () => {
    const message = configurationErrorFor(
      aLocalEnvironment({ AUTH_HOME_TENANT_ID: 'home', INVITATION_SECRET: 'too-short' }),
    );
    expect(message).toMatch(/^- AUTH_HOME_TENANT_ID: must be the home tenant id/m);
    expect(message).toMatch(/^- INVITATION_SECRET: must be at least 32 characters/m);
  });

  it('lower-cases the home tenant and accepts the client id as a second audience', () => {
    const config = parseConfig(
      aLocalEnvironment({
        AUTH_HOME_TENANT_ID: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE',
        AUTH_CLIENT_ID: 'client-guid',
      }),
    );
    expect(config.auth.homeTenantId).toBe('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
    expect(config.auth.audiences).toEqual(['api://partner-subscriptions', 'client-guid']);
  });

  it('coerces HEALTH_TIMEOUT_MS to a number', () => {
    expect(parseConfig(aLocalEnvironment({ HEALTH_TIMEOUT_MS: '750' })).healthTimeoutMs).toBe(750);
  });
});
