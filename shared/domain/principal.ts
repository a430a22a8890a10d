/** Who is calling, as established from a verified token; never built from unverified input. */
export interface Principal {
  issuer: string;
  subject: string;
  objectId?: string;
  tenantId?: string;
  email?: string;
  name?: string;
  roles: readonly string[];
}

export const PLATFORM_OPERATOR_ROLE = 'Platform.Operator';

export const isPlatformOperator = (principal: Principal): boolean =>
  principal.roles.includes(PLATFORM_OPERATOR_ROLE);
