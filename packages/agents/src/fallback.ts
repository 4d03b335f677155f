import { backoffDelayMs } from '@cortex-os/connectors-manifest';
import { z } from 'zod';
import { AgentsConfigError } from './errors.js';

/**
 * What a connector tool does when its connector is disabled, unreachable or failing:
 * - `retry`: up to `attempts` calls in total (1–10, default 3), exponential backoff from `backoffMs`
 *   (ms, default 200) capped at `maxBackoffMs` (ms, default 5000); then a branded failure text;
 * - `alternate`: on failure, the same tool on each of `connectors` in order (those that list it);
 * - `approval`: the run pauses for a human (`needsApproval` → interruption → `state.approve/reject`);
 *   `when: 'always'` (default) asks before every call, `'unavailable'` only while the connector is
 *   disabled or down; an approved call that fails returns the branded failure text;
 * - `fail` (default): one call; on failure a branded text naming the connector id is the tool output.
 */
export type FallbackPolicy =
  | {
      readonly policy: 'retry';
      readonly attempts?: number;
      readonly backoffMs?: number;
      readonly maxBackoffMs?: number;
    }
  | { readonly policy: 'alternate'; readonly connectors: readonly string[] }
  | { readonly policy: 'approval'; readonly when?: 'always' | 'unavailable' }
  | { readonly policy: 'fail' };

/**
 * Fallback policies of an agent. Resolution order: `tools['<connectorId>__<tool>']`, then
 * `connectors[connectorId]`, then `default`, then `{ policy: 'fail' }`.
 */
export interface FallbackConfig {
  readonly default?: FallbackPolicy;
  readonly connectors?: Readonly<Record<string, FallbackPolicy>>;
  readonly tools?: Readonly<Record<string, FallbackPolicy>>;
}

/** A policy with every default applied. */
export type ResolvedPolicy =
  | {
      readonly policy: 'retry';
      readonly attempts: number;
      readonly backoffMs: number;
      readonly maxBackoffMs: number;
    }
  | { readonly policy: 'alternate'; readonly connectors: readonly string[] }
  | { readonly policy: 'approval'; readonly when: 'always' | 'unavailable' }
  | { readonly policy: 'fail' };

const PolicySchema = z.discriminatedUnion('policy', [
  z.strictObject({
    policy: z.literal('retry'),
    attempts: z.int().min(1).max(10).default(3),
    backoffMs: z.int().min(0).max(60_000).default(200),
    maxBackoffMs: z.int().min(0).max(300_000).default(5_000),
  }),
  z.strictObject({ policy: z.literal('alternate'), connectors: z.array(z.string().min(1)).min(1) }),
  z.strictObject({
    policy: z.literal('approval'),
    when: z.enum(['always', 'unavailable']).default('always'),
  }),
  z.strictObject({ policy: z.literal('fail') }),
]);

const ConfigSchema = z.strictObject({
  default: PolicySchema.optional(),
  connectors: z.record(z.string(), PolicySchema).optional(),
  tools: z.record(z.string(), PolicySchema).optional(),
});

/** Validated fallback configuration. */
export interface ResolvedFallback {
  readonly default: ResolvedPolicy;
  readonly connectors: ReadonlyMap<string, ResolvedPolicy>;
  readonly tools: ReadonlyMap<string, ResolvedPolicy>;
}

function pathOf(path: readonly PropertyKey[]): string {
  return ['fallback', ...path.map(String)].join('.');
}

/**
 * Validates `config` once (fail fast).
 * @throws AgentsConfigError `CONFIG_INVALID` naming the path, e.g. `fallback.tools.a__echo.attempts`.
 */
export function parseFallback(config: FallbackConfig | undefined): ResolvedFallback {
  const parsed = ConfigSchema.safeParse(config ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AgentsConfigError(`${pathOf(first?.path ?? [])} ${first?.message ?? 'is invalid'}`);
  }
  const c = parsed.data;
  return {
    default: c.default ?? { policy: 'fail' },
    connectors: new Map(Object.entries(c.connectors ?? {})),
    tools: new Map(Object.entries(c.tools ?? {})),
  };
}

/** The policy of one agent tool (see {@link FallbackConfig} for the order). */
export function policyFor(
  fallback: ResolvedFallback,
  connectorId: string,
  agentToolName: string,
): ResolvedPolicy {
  return fallback.tools.get(agentToolName) ?? fallback.connectors.get(connectorId) ?? fallback.default;
}

/** Backoff before retry number `retry` (1-based), milliseconds. */
export function retryDelayMs(policy: { backoffMs: number; maxBackoffMs: number }, retry: number): number {
  return backoffDelayMs({ initialMs: policy.backoffMs, maxMs: policy.maxBackoffMs }, retry - 1);
}
