import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  readonly payload: AdapterPayload;
  readonly expiresAt: number;
}

/** Models whose records belong to a grant (revoked together by `revokeByGrantId`). */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/** Sweep expired entries after this many writes. */
const SWEEP_EVERY = 500;

/**
 * One server's in-memory store: records expire with their `expiresIn`, nothing survives a restart (dev only).
 * Unlike oidc-provider's built-in adapter it is per server, so several servers in one process stay apart.
 */
class MemoryStore {
  readonly #entries = new Map<string, Entry>();
  readonly #grants = new Map<string, Set<string>>();
  readonly #index = new Map<string, string>();
  #writes = 0;

  get(key: string): AdapterPayload | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(key: string, payload: AdapterPayload, expiresIn: number | undefined): void {
    const expiresAt = expiresIn === undefined ? Number.POSITIVE_INFINITY : Date.now() + expiresIn * 1000;
    this.#entries.set(key, { payload, expiresAt });
    if (++this.#writes % SWEEP_EVERY === 0) this.#sweep();
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  index(name: string, key: string): void {
    this.#index.set(name, key);
  }

  lookup(name: string): string | undefined {
    return this.#index.get(name);
  }

  addToGrant(grantId: string, key: string): void {
    const members = this.#grants.get(grantId) ?? new Set<string>();
    members.add(key);
    this.#grants.set(grantId, members);
  }

  revokeGrant(grantId: string): void {
    for (const key of this.#grants.get(grantId) ?? []) this.delete(key);
    this.#grants.delete(grantId);
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
    for (const [name, key] of this.#index) if (!this.#entries.has(key)) this.#index.delete(name);
    for (const [grantId, members] of this.#grants) {
      for (const key of members) if (!this.#entries.has(key)) members.delete(key);
      if (members.size === 0) this.#grants.delete(grantId);
    }
  }
}

class MemoryAdapter implements Adapter {
  readonly #model: string;
  readonly #store: MemoryStore;

  constructor(model: string, store: MemoryStore) {
    this.#model = model;
    this.#store = store;
  }

  #key(id: string): string {
    return `${this.#model}:${id}`;
  }

  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    this.#store.set(key, payload, expiresIn);
    if (payload.uid !== undefined) this.#store.index(`uid:${payload.uid}`, key);
    if (payload.userCode !== undefined) this.#store.index(`userCode:${payload.userCode}`, key);
    if (GRANTABLE.has(this.#model) && payload.grantId !== undefined)
      this.#store.addToGrant(payload.grantId, key);
    return Promise.resolve();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return Promise.resolve(this.#store.get(this.#key(id)));
  }

  #findIndexed(name: string): Promise<AdapterPayload | undefined> {
    const key = this.#store.lookup(name);
    return Promise.resolve(key === undefined ? undefined : this.#store.get(key));
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findIndexed(`uid:${uid}`);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findIndexed(`userCode:${userCode}`);
  }

  consume(id: string): Promise<void> {
    const payload = this.#store.get(this.#key(id));
    if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.#store.delete(this.#key(id));
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    this.#store.revokeGrant(grantId);
    return Promise.resolve();
  }
}

/** An oidc-provider adapter factory over a fresh in-memory store (one per dev server). */
export function memoryAdapterFactory(): AdapterFactory {
  const store = new MemoryStore();
  return (model: string) => new MemoryAdapter(model, store);
}
