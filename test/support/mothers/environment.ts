/** A complete local environment (emulators, connection-string storage), as local.settings.json gives it. */
export function aLocalEnvironment(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    COSMOS_CONNECTION__accountEndpoint: 'http://127.0.0.1:8081',
    COSMOS_KEY: 'emulator-key',
    COSMOS_DATABASE: 'partner-subscriptions',
    COSMOS_CONTAINER: 'partners',
    COSMOS_CREATE_IF_MISSING: 'true',
    EMAIL_CONNECTION__endpoint: 'http://127.0.0.1:7072',
    EMAIL_ACCESS_KEY: 'local-access-key',
    EMAIL_SENDER_ADDRESS: 'DoNotReply@partner-subscriptions.local',
    AUTH_ISSUER: 'https://127.0.0.1:7443/{tenantid}/v2.0',
    AUTH_ADDITIONAL_ISSUERS: '',
    AUTH_AUDIENCE: 'api://partner-subscriptions',
    AUTH_HOME_TENANT_ID: '30984cb4-46f1-58b5-8a1c-c26dcfeb7f90',
    AUTH_CLIENT_ID: 'partner-subscriptions-api',
    AUTH_CLIENT_SECRET: 'local-dev-secret',
    SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
    INVITATION_SECRET: 'an-invitation-secret-of-at-least-32-characters',
    PUBLIC_BASE_URL: 'http://localhost:7071',
    HEALTH_TIMEOUT_MS: '2000',
    ...overrides,
  };
}

/** Azure: identity-based connections, no keys. */
export function anAzureEnvironment(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    AzureWebJobsStorage__queueServiceUri: 'https://stpartners.queue.core.windows.net',
    AzureWebJobsStorage__blobServiceUri: 'https://stpartners.blob.core.windows.net',
    COSMOS_CONNECTION__accountEndpoint: 'https://cosmos-partners.documents.azure.com:443/',
    EMAIL_CONNECTION__endpoint: 'https://acs-partners.communication.azure.com/',
    EMAIL_SENDER_ADDRESS: 'DoNotReply@partners.example',
    AUTH_ISSUER: 'https://login.microsoftonline.com/{tenantid}/v2.0',
    AUTH_AUDIENCE: 'api://partner-subscriptions',
    AUTH_HOME_TENANT_ID: '11111111-2222-4333-8444-555555555555',
    AUTH_CLIENT_ID: '7b0c7a52-0000-4000-8000-000000000001',
    AUTH_CLIENT_SECRET:
      '@Microsoft.KeyVault(SecretUri=https://kv-partners.vault.azure.net/secrets/auth-client-secret/)',
    AUTH_AUTHORITY: 'https://login.microsoftonline.com/organizations',
    AUTH_PROTOCOL_MODE: 'AAD',
    SESSION_SECRET:
      '@Microsoft.KeyVault(SecretUri=https://kv-partners.vault.azure.net/secrets/session-secret/)',
    INVITATION_SECRET:
      '@Microsoft.KeyVault(SecretUri=https://kv-partners.vault.azure.net/secrets/invitation-secret/)',
    ...overrides,
  };
}
