import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * Models revoked with their grant (oidc-provider's own memory adapter has the same list). An
 * Interaction or Session also names a grant, but must outlive its revocation: signing in another user
 * over a session ends the old session, revoking its grants, and then resumes the interaction.
 */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/**
 * oidc-provider storage in this process's memory: sessions, interactions, codes and grants are lost on
 * restart (a signed-in browser signs in again), while JWT access tokens keep verifying because the
 * signing keys are persisted. One store per provider instance (one per tenant), so tenants, and two
 * IdPs in one process, stay apart. `onUpsert` hears of every stored item (the front door uses it to
 * know which tenant issued an authorization code or refresh token).
 */
export function createMemoryAdapter(
  options: { onUpsert?: (model: string, id: string, expiresAt: number) => void } = {},
): new (name: string) => Adapter {
  const entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const grantMembers = new Map<string, Set<string>>();
  const secondary = new Map<string, string>();
  let writes = 0;

  function live(key: string): AdapterPayload | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  function sweep(): void {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
    for (const [key, target] of secondary) if (!entries.has(target)) secondary.delete(key);
    for (const [grantId, members] of grantMembers) {
      for (const member of members) if (!entries.has(member)) members.delete(member);
      if (members.size === 0) grantMembers.delete(grantId);
    }
  }

  return class DevMemoryAdapter implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const key = this.key(id);
      const expiresAt =
        typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      entries.set(key, { payload: { ...payload }, expiresAt });
      options.onUpsert?.(this.model, id, expiresAt);
      if (payload.grantId && GRANTABLE.has(this.model)) {
        const members = grantMembers.get(payload.grantId) ?? new Set<string>();
        members.add(key);
        grantMembers.set(payload.grantId, members);
      }
      if (payload.uid) secondary.set(`uid:${this.model}:${payload.uid}`, key);
      if (payload.userCode) secondary.set(`userCode:${this.model}:${payload.userCode}`, key);
      if (++writes % 500 === 0) sweep();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const payload = live(this.key(id));
      return payload && { ...payload };
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const key = secondary.get(`uid:${this.model}:${uid}`);
      const payload = key === undefined ? undefined : live(key);
      return payload && { ...payload };
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const key = secondary.get(`userCode:${this.model}:${userCode}`);
      const payload = key === undefined ? undefined : live(key);
      return payload && { ...payload };
    }

    async consume(id: string): Promise<void> {
      const payload = live(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      entries.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grantMembers.get(grantId) ?? []) entries.delete(key);
      grantMembers.delete(grantId);
    }
  };
}
