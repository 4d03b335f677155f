import type { Tool } from '@modelcontextprotocol/server';
import type { AccessControl } from './access.js';
import type { ListedTool, ToolCatalog } from './catalog.js';
import { listKey, requiredScopesFor, type Principal } from './principals.js';

/** Principals whose filtered `tools/list` body is kept per catalog version and policy (then cleared, not grown). */
export const MAX_CACHED_PRINCIPALS = 1024;

/** Cached bodies of one (catalog version, policy identity). */
interface Generation {
  readonly version: number;
  readonly policy: object;
  /** principal list key → body */
  readonly byPrincipal: Map<string, Buffer>;
  /** allow mask (`1`/`0` per listed tool) → body: principals with the same roles share one buffer */
  readonly byMask: Map<string, Buffer>;
}

/**
 * The aggregate `tools/list` of each principal: the catalog's tools the policy lets it list (phase `list`;
 * OAuth principals also need the connector's scopes). The fast lane's pre-encoded body is cached per
 * (principal: via + subject + roles + scopes, catalog version, policy identity); a policy reload or a catalog
 * change starts a new generation. Bounded: at most {@link MAX_CACHED_PRINCIPALS} principals per generation.
 */
export class FilteredToolLists {
  private generation: Generation | undefined;

  constructor(
    private readonly catalog: ToolCatalog,
    private readonly access: AccessControl,
    private readonly maxPrincipals = MAX_CACHED_PRINCIPALS,
  ) {}

  /** The principal's tools (SDK path: cursors, SSE answers, first listings still in flight). */
  tools(principal: Principal, listing: readonly ListedTool[] = this.catalog.listing()): Tool[] {
    return listing.filter((entry) => this.allowed(principal, entry)).map((entry) => entry.tool);
  }

  /**
   * The principal's UTF-8 `tools/list` result (`{"tools":[…]}`), or undefined while a connector's first listing
   * is still in flight. A principal that may list every tool shares the catalog's own buffer.
   */
  resultJson(principal: Principal): Buffer | undefined {
    const everything = this.catalog.cachedResultJson();
    if (everything === undefined) return undefined;
    const generation = this.current();
    const key = listKey(principal);
    const known = generation.byPrincipal.get(key);
    if (known !== undefined) return known;
    const body = this.encode(principal, generation, everything);
    if (generation.byPrincipal.size >= this.maxPrincipals) {
      generation.byPrincipal.clear();
      generation.byMask.clear();
    }
    generation.byPrincipal.set(key, body);
    return body;
  }

  private current(): Generation {
    const version = this.catalog.version;
    const policy = this.access.identity;
    const g = this.generation;
    if (g !== undefined && g.version === version && g.policy === policy) return g;
    return (this.generation = { version, policy, byPrincipal: new Map(), byMask: new Map() });
  }

  private encode(principal: Principal, generation: Generation, everything: Buffer): Buffer {
    const listing = this.catalog.listing();
    let mask = '';
    for (const entry of listing) mask += this.allowed(principal, entry) ? '1' : '0';
    if (!mask.includes('0')) return everything;
    const shared = generation.byMask.get(mask);
    if (shared !== undefined) return shared;
    const parts: string[] = [];
    for (let i = 0; i < listing.length; i += 1) if (mask[i] === '1') parts.push(listing[i]!.json);
    const body = Buffer.from(`{"tools":[${parts.join(',')}]}`);
    generation.byMask.set(mask, body);
    return body;
  }

  private allowed(principal: Principal, entry: ListedTool): boolean {
    return this.access.mayList(
      principal,
      entry.connectorId,
      entry.name,
      requiredScopesFor(principal, entry.connector),
    );
  }
}
