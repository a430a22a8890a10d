import type { Agent } from 'node:https';
import type { TenantDirectory } from './tenants.js';

/** What the IdP's routes share: its addresses, its tenants, and how it reaches itself. */
export interface IdpContext {
  /** https://host:port, no trailing slash. */
  readonly base: string;
  /** The front door, `<base>/organizations/v2.0`. */
  readonly authority: string;
  /** `<base>/{tenantid}/v2.0`. */
  readonly issuerTemplate: string;
  /** The issuer of a tenant id (already normalized). */
  issuerFor(tenantId: string): string;
  /** Configured operators' e-mail addresses, lower case. */
  readonly operators: Set<string>;
  readonly log: (line: string) => void;
  /** PEM of the local CA, for the IdP's requests to itself. */
  readonly ca: string;
  /** The connections of those requests, closed with the server. */
  readonly selfAgent: Agent;
  readonly tenants: TenantDirectory;
  /** Discovery metadata the front door copies from the home tenant; read once the server listens. */
  frontDoorMetadata: Record<string, unknown>;
}
