import { createHash } from 'node:crypto';

/**
 * Session handles ended by DELETE, shared by the replicas: a sealed handle stays cryptographically valid until
 * it expires, so a DELETE on one replica is recorded here and every replica refuses to rebuild it and closes
 * its own copy.
 */
export interface SessionRevocations {
  /** Records that handle `id` ended, until `untilMs` (epoch ms), and tells the other replicas. */
  revoke(id: string, untilMs: number): Promise<void>;
  /** True when handle `id` was ended on any replica. Rejects when the shared store fails. */
  isRevoked(id: string): Promise<boolean>;
  /** `listener` hears every handle another replica ended; returns the unsubscribe function. */
  subscribe(listener: (id: string) => void): () => void;
  /** Releases connections (only for stores the gateway created). */
  close?(): Promise<void>;
}

/** The short, fixed-length key a revoked handle is stored under (SHA-256, base64url). */
export function revocationKey(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** This replica's revocations only (the default: single replica, or DELETE and later requests on one replica). */
export class MemorySessionRevocations implements SessionRevocations {
  private readonly ended = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  revoke(id: string, untilMs: number): Promise<void> {
    this.prune();
    this.ended.set(revocationKey(id), untilMs);
    return Promise.resolve();
  }

  isRevoked(id: string): Promise<boolean> {
    const until = this.ended.get(revocationKey(id));
    return Promise.resolve(until !== undefined && until > this.now());
  }

  subscribe(): () => void {
    return () => undefined;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, until] of this.ended) if (until <= now) this.ended.delete(key);
  }
}
