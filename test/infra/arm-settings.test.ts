import type { ArmTemplate } from './arm-model.js';
import { isExpression, appIdentity, appSettings } from './arm-model.js';
import { PUBLIC_LOGIN_ENDPOINT, evaluateEndpoint, settingsOf } from './arm-queries.js';
import {
  REQUIRED_SETTINGS,
  FORBIDDEN_SETTINGS,
  SAMPLE_SECRETS,
  CREDENTIAL_PATTERNS,
} from './arm-expectations.js';
import { checkSuite, type Check } from './arm-suite.js';

/** The app settings: every one the configuration needs, no secret or key in any, the Entra endpoints and home tenant. */

const checks = {
  settingsHoldNoSecret: (model) => {
    const settings = appSettings(model);
    if (settings.size === 0) return ['no app settings'];
    const problems: string[] = [];
    for (const [name, value] of settings) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      for (const pattern of CREDENTIAL_PATTERNS) {
        if (pattern.test(text)) problems.push(`${name}: ${text} matches ${pattern}`);
      }
      for (const secret of SAMPLE_SECRETS)
        if (text.includes(secret)) problems.push(`${name}: holds a sample secret`);
      for (const param of model.secureParameters) {
        if (text.includes(`parameters('${param}')`))
          problems.push(`${name}: holds the secure parameter ${param}`);
      }
      if (!isExpression(text) && /^[A-Za-z0-9+/]{40,}={0,2}$/.test(text))
        problems.push(`${name}: looks like a key`);
    }
    for (const name of FORBIDDEN_SETTINGS) if (settings.has(name)) problems.push(`${name} is set`);
    return problems;
  },

  requiredSettingsPresent: (model) => {
    const identity = appIdentity(model);
    const settings = appSettings(model);
    const problems = REQUIRED_SETTINGS.filter((name) => !settings.has(name)).map(
      (name) => `${name} is missing`,
    );
    if (settings.get('AzureWebJobsStorage__credential') !== 'managedidentity') {
      problems.push('AzureWebJobsStorage__credential is not managedidentity');
    }
    if (settings.get('COSMOS_CREATE_IF_MISSING') !== 'false')
      problems.push('COSMOS_CREATE_IF_MISSING is not false');
    if (settings.get('AUTH_PROTOCOL_MODE') !== 'AAD') problems.push('AUTH_PROTOCOL_MODE is not AAD');
    for (const name of ['AzureWebJobsStorage__clientId', 'AZURE_CLIENT_ID']) {
      if (typeof identity !== 'string' && settings.get(name) !== identity.clientId) {
        problems.push(`${name} is not the app identity's client ID`);
      }
    }
    return problems;
  },

  // The admin console signs in as a public client: a client id (the API's by default), no secret of its own.
  consoleClientSetting: (model) => {
    const settings = appSettings(model);
    const value = String(settings.get('CONSOLE_CLIENT_ID') ?? '');
    if (!value) return ['CONSOLE_CLIENT_ID is missing'];
    return /parameters\('consoleClientId'\)/.test(value) && /parameters\('authClientId'\)/.test(value)
      ? []
      : [`CONSOLE_CLIENT_ID is ${value}, not consoleClientId falling back to authClientId`];
  },

  noListFunctions: (model) => {
    const text = JSON.stringify(model.root);
    const found = text.match(/\blist(Keys|ConnectionStrings|Secrets|AccountSas|ServiceSas|Credentials?)\(/gi);
    return found ? [`the template calls ${[...new Set(found)].join(', ')}`] : [];
  },

  homeTenantSetting: (model) => {
    const value = appSettings(model).get('AUTH_HOME_TENANT_ID');
    const parameter = /^\[parameters\('([^']+)'\)\]$/.exec(String(value))?.[1];
    const declared = parameter ? model.root.parameters?.[parameter] : undefined;
    if (!declared) return [`AUTH_HOME_TENANT_ID is ${String(value)}, not a parameter of main.bicep`];
    return declared.defaultValue === '[tenant().tenantId]'
      ? []
      : [`${parameter} defaults to ${JSON.stringify(declared.defaultValue)}, not the deploying tenant`];
  },

  entraEndpoints: (model) => {
    const settings = appSettings(model);
    const expected: Record<string, string> = {
      AUTH_ISSUER: `${PUBLIC_LOGIN_ENDPOINT}{tenantid}/v2.0`,
      AUTH_AUTHORITY: `${PUBLIC_LOGIN_ENDPOINT}organizations`,
    };
    return Object.entries(expected).flatMap(([name, want]) => {
      const got = evaluateEndpoint(model, settings.get(name));
      return got === want ? [] : [`${name} is ${String(got ?? settings.get(name))}, not ${want}`];
    });
  },
} satisfies Record<string, Check>;

const breakages: Record<keyof typeof checks, (template: ArmTemplate) => void> = {
  settingsHoldNoSecret: (t) => {
    settingsOf(t).STORAGE_CONNECTION = 'DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc==';
  },
  requiredSettingsPresent: (t) => {
    delete settingsOf(t).COSMOS_DATABASE;
  },
  consoleClientSetting: (t) => {
    delete settingsOf(t).CONSOLE_CLIENT_ID;
  },
  noListFunctions: (t) => {
    t.outputs = { ...t.outputs, KEYS: { type: 'object', value: "[listKeys('x', '2025-01-01')]" } };
  },
  homeTenantSetting: (t) => {
    delete settingsOf(t).AUTH_HOME_TENANT_ID;
  },
  entraEndpoints: (t) => {
    settingsOf(t).AUTH_AUTHORITY = `${PUBLIC_LOGIN_ENDPOINT}common`;
  },
};

checkSuite(checks, breakages);
