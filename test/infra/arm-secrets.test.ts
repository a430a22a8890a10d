import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/infra-check.js';
import type { JsonObject, ArmResource, ArmTemplate } from './arm-model.js';
import { DEPLOYMENTS, isObject, entries, ofType, strings, appSettings } from './arm-model.js';
import { settingsOf, rootModule } from './arm-queries.js';
import { KEY_VAULT_REFERENCE, VAULT_SECRETS, STABLE_SECRETS } from './arm-expectations.js';
import { checkSuite, type Check } from './arm-suite.js';

/** The secrets: Key Vault references to their own secrets, secure parameters only into the vault, stable across provisions. */

const checks = {
  secretSettingsAreKeyVaultReferences: (model) => {
    const settings = appSettings(model);
    const secretNames = [...settings.keys()].filter((name) => /SECRET/i.test(name));
    if (secretNames.length === 0) return ['no *SECRET* setting'];
    const problems: string[] = [];
    for (const name of secretNames) {
      const value = settings.get(name);
      if (typeof value === 'string' && value.startsWith('@Microsoft.KeyVault(SecretUri=https://')) continue;
      const match = typeof value === 'string' ? KEY_VAULT_REFERENCE.exec(value) : null;
      const uri = match?.[1] ?? '';
      const output = /^reference\('([^']+)'\)\.outputs\.([^.]+)\.value$/.exec(uri);
      const module =
        output && model.resources.find((r) => r.modulePath.length === 0 && r.symbol === output[1]);
      const inner = module?.resource.properties?.template as ArmTemplate | undefined;
      const source = output ? inner?.outputs?.[output[2]!]?.value : undefined;
      const fromSecret =
        typeof source === 'string' &&
        source.includes('Microsoft.KeyVault/vaults/secrets') &&
        /\.secretUri(WithVersion)?\]$/.test(source);
      if (!fromSecret)
        problems.push(`${name} is not a Key Vault reference to a secret's URI: ${String(value)}`);
    }
    return problems;
  },

  secureParametersOnlyInKeyVault: (model) => {
    const problems: string[] = [];
    const leaks = (text: string) => model.secureParameters.filter((p) => text.includes(`parameters('${p}')`));
    for (const located of model.resources) {
      if (located.resource.type === DEPLOYMENTS) continue;
      const isSecret = located.resource.type === 'Microsoft.KeyVault/vaults/secrets';
      for (const [path, text] of strings(located.resolve(located.resource))) {
        for (const param of leaks(text)) {
          if (!(isSecret && path === 'properties.value'))
            problems.push(`${located.resource.type} ${path} holds ${param}`);
        }
      }
    }
    for (const [name, output] of Object.entries(model.root.outputs ?? {})) {
      const text = JSON.stringify(output.value);
      for (const param of leaks(text)) problems.push(`output ${name} holds ${param}`);
      if (/^secure/i.test(output.type)) problems.push(`output ${name} is secure`);
    }
    return problems;
  },

  secretSettingsNameTheirSecrets: (model) => {
    // Each secret setting is a Key Vault reference to the URI of its own secret (not merely some secret).
    const settings = appSettings(model);
    return Object.entries(VAULT_SECRETS).flatMap(([name, secret]) => {
      const value = settings.get(name);
      const uri = typeof value === 'string' ? KEY_VAULT_REFERENCE.exec(value)?.[1] : undefined;
      const output = uri ? /^reference\('([^']+)'\)\.outputs\.([^.]+)\.value$/.exec(uri) : null;
      const module =
        output && model.resources.find((r) => r.modulePath.length === 0 && r.symbol === output[1]);
      const inner = module?.resource.properties?.template as ArmTemplate | undefined;
      const source = output ? inner?.outputs?.[output[2]!]?.value : undefined;
      return typeof source === 'string' &&
        source.includes(`resourceId('Microsoft.KeyVault/vaults/secrets', parameters('name'), '${secret}')`) &&
        /\.secretUri\]$/.test(source)
        ? []
        : [`${name} does not reference the Key Vault secret ${secret}: ${String(value)}`];
    });
  },

  invitationSecretInVault: (model) => {
    const secrets = ofType(model, 'Microsoft.KeyVault/vaults/secrets').filter((r) =>
      /, 'invitation-secret'\)\]$/.test(r.resource.name),
    );
    if (secrets.length !== 1) return [`expected one invitation-secret in the vault, found ${secrets.length}`];
    const value = secrets[0]!.resolve(secrets[0]!.resource.properties?.value);
    return value === "[parameters('invitationSecret')]" && model.secureParameters.includes('invitationSecret')
      ? []
      : [`invitation-secret holds ${String(value)}, not the secure parameter invitationSecret`];
  },

  appSecretsStable: (model) => {
    // No default (a default would be evaluated anew, e.g. newGuid(), on every provision): azd generates
    // each once, long enough for the app's 32-character minimum, and passes it again every time.
    return Object.keys(STABLE_SECRETS).flatMap((name) => {
      const p = model.root.parameters?.[name] as
        { type: string; defaultValue?: unknown; minLength?: number; metadata?: JsonObject } | undefined;
      if (!p) return [`no parameter ${name}`];
      const azd = isObject(p.metadata?.azd) ? p.metadata.azd : {};
      const length = isObject(azd.config) ? Number(azd.config.length) : 0;
      return [
        ...(/^secure/i.test(p.type) ? [] : [`${name} is not @secure()`]),
        ...(p.defaultValue === undefined ? [] : [`${name} has a default: ${JSON.stringify(p.defaultValue)}`]),
        ...((p.minLength ?? 0) >= 32 ? [] : [`${name} allows fewer than 32 characters`]),
        ...(azd.type === 'generate' && length >= Math.max(32, p.minLength ?? 0)
          ? []
          : [`${name} is not generated by azd with at least its minimum length`]),
      ];
    });
  },

  keyVaultNameOutput: (model) => {
    const value = model.root.outputs?.AZURE_KEY_VAULT_NAME?.value;
    const symbol = /^\[reference\('([^']+)'\)\.outputs\.name\.value\]$/.exec(String(value))?.[1];
    const module = model.resources.find((r) => r.modulePath.length === 0 && r.symbol === symbol);
    const template = module?.resource.properties?.template as ArmTemplate | undefined;
    return template && entries(template.resources).some(([, r]) => r.type === 'Microsoft.KeyVault/vaults')
      ? []
      : [`AZURE_KEY_VAULT_NAME is ${String(value)}, not the key vault module's name`];
  },
} satisfies Record<string, Check>;

const breakages: Record<keyof typeof checks, (template: ArmTemplate) => void> = {
  secretSettingsAreKeyVaultReferences: (t) => {
    settingsOf(t).AUTH_CLIENT_SECRET = 'a-literal-client-secret';
  },
  secureParametersOnlyInKeyVault: (t) => {
    // Route the client secret (not its Key Vault URI) into the function app module.
    const api = rootModule(t, 'Microsoft.Web/sites');
    (api.properties!.parameters as JsonObject).authClientSecretUri = {
      value: "[parameters('authClientSecret')]",
    };
  },
  secretSettingsNameTheirSecrets: (t) => {
    // Still a Key Vault reference, but to the session secret.
    settingsOf(t).INVITATION_SECRET =
      "[format('@Microsoft.KeyVault(SecretUri={0})', parameters('sessionSecretUri'))]";
  },
  invitationSecretInVault: (t) => {
    const vault = rootModule(t, 'Microsoft.KeyVault/vaults').properties!.template as ArmTemplate;
    const resources = vault.resources as ArmResource[];
    vault.resources = resources.filter((r) => !/'invitation-secret'\)\]$/.test(r.name));
  },
  appSecretsStable: (t) => {
    t.parameters!.invitationSecret!.defaultValue = "[format('{0}{1}', newGuid(), newGuid())]";
  },
  keyVaultNameOutput: (t) => {
    delete t.outputs!.AZURE_KEY_VAULT_NAME;
  },
};

// ---------------------------------------------------------------------------------------------------
// infra/main.parameters.json: what azd passes to main.bicep.

interface ParametersFile {
  parameters: Record<string, { value?: unknown }>;
}

/** azd's generator makes 15 characters ($(secretOrRandomPassword …)); fewer than these secrets need. */
const SECRET_OR_RANDOM_PASSWORD_LENGTH = 15;

function checkParametersFile(file: ParametersFile, template: ArmTemplate): string[] {
  const problems: string[] = [];
  const expected: Record<string, string> = { ...STABLE_SECRETS, authHomeTenantId: 'AUTH_HOME_TENANT_ID' };
  for (const [name, variable] of Object.entries(expected)) {
    const value = file.parameters[name]?.value;
    if (value !== `\${${variable}}`)
      problems.push(`${name} is ${JSON.stringify(value)}, not \${${variable}}`);
  }
  for (const [name, { value }] of Object.entries(file.parameters)) {
    const declared = template.parameters?.[name] as { type: string; minLength?: number } | undefined;
    if (!declared) problems.push(`${name} is not a parameter of main.bicep`);
    else if (/^secure/i.test(declared.type)) {
      const text = String(value);
      const generated = /\$\(\s*secretOrRandomPassword\b/.test(text);
      if (generated && (declared.minLength ?? 0) > SECRET_OR_RANDOM_PASSWORD_LENGTH)
        problems.push(`${name} needs ${declared.minLength} characters; secretOrRandomPassword makes 15`);
      if (!generated && !/^\$\{[A-Z][A-Z0-9_]*\}$/.test(text))
        problems.push(`the secure parameter ${name} is not taken from one environment variable: ${text}`);
    }
  }
  return problems;
}

checkSuite(checks, breakages, (compiled) => {
  describe('main.parameters.json', () => {
    const file = JSON.parse(
      readFileSync(join(ROOT, 'infra', 'main.parameters.json'), 'utf8'),
    ) as ParametersFile;

    it('maps the secrets and the home tenant to azd environment variables', () => {
      expect(checkParametersFile(file, compiled().template)).toEqual([]);
    });

    it('reports a parameters file broken on purpose', () => {
      const broken = structuredClone(file);
      broken.parameters.invitationSecret = { value: 'a-literal-invitation-secret-of-32-characters' };
      expect(checkParametersFile(broken, compiled().template).length).toBeGreaterThan(0);
    });
  });
});
