import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { AUTH_PLUGIN_NAME } from '@cortex-os/server-kit';
import { BRAND, branded } from '@cortex-os/connectors-manifest';
import type { ConnectorsMetrics } from '@cortex-os/telemetry';
import { z } from 'zod';
import { BadRequestError } from '../errors.js';
import type { ConnectorsRuntime } from '../runtime.js';
import type { PolicyHealth } from '../policy-runtime.js';

/** Options of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  readonly runtime: ConnectorsRuntime;
  readonly metrics: ConnectorsMetrics;
  /** The policy in force (`off` without a policy file). */
  readonly policy: () => PolicyHealth;
  /** The shared Redis's state (undefined without `REDIS_URL`). */
  readonly redis?: () => RedisHealth | undefined;
}

/** The shared Redis as `/readyz` reports it: reachable or not, and what quotas do while it is not. */
export interface RedisHealth {
  readonly up: boolean;
  readonly mode: 'open' | 'closed';
}

const Beacon = z.object({ name: z.literal('lcp'), value: z.number().finite().nonnegative().max(600_000) });

/** Why `/readyz` says degraded: the refused map first, then the refused policy edit, then Redis down. */
function degradedReason(
  runtime: ConnectorsRuntime,
  policy: PolicyHealth,
  redis: RedisHealth | undefined,
): string | undefined {
  const r = runtime.readiness();
  if (runtime.mapHealth().state === 'refused')
    return branded(
      `asbr served a map that failed verification (${r.lastRefusal?.code}); keeping map version ${r.mapVersion}`,
    );
  if (policy.state === 'degraded')
    return branded(
      `the policy file was refused, the last good policy stays in force: ${policy.reason?.replace(/^brAInwav: /, '') ?? 'invalid'}`,
    );
  if (redis && !redis.up)
    return branded(
      redis.mode === 'open'
        ? 'Redis unreachable: quotas count against this replica’s local limits until it returns'
        : 'Redis unreachable: tool calls are refused (quota store unavailable) until it returns',
    );
  return undefined;
}

const plugin: FastifyPluginCallback<HealthRoutesOptions> = (
  app,
  { runtime, metrics, policy, redis },
  done,
) => {
  const open = { config: { auth: 'public' as const } };
  app.get('/healthz', open, (_request, reply) => reply.send({ brand: BRAND, status: 'ok' }));

  app.get('/readyz', open, (_request, reply) => {
    const r = runtime.readiness();
    const policyHealth = policy();
    // degraded while the latest fetched map is the refused one (the next verified map clears it), or while
    // the policy file on disk is invalid (the last good policy decides until a valid edit)
    // … or while Redis is unreachable: still 200, so a Redis outage never takes every replica out of the balancer
    const redisHealth = redis?.();
    const degraded = r.ready ? degradedReason(runtime, policyHealth, redisHealth) : undefined;
    const status = r.ready ? (degraded ? 'degraded' : 'ready') : 'unavailable';
    const reason = !r.ready
      ? branded(
          `no verified service map (registry ${r.state}${r.lastFetchError ? `: ${r.lastFetchError.replace(/^brAInwav: /, '')}` : ''})`,
        )
      : degraded;
    return reply.code(r.ready ? 200 : 503).send({
      brand: BRAND,
      status,
      ...(reason ? { reason } : {}),
      mapVersion: r.mapVersion,
      expiresAt: r.expiresAt,
      lastRefusal: r.lastRefusal,
      policy: policyHealth,
      ...(redisHealth ? { redis: redisHealth } : {}),
    });
  });

  app.get('/metrics', open, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  app.post('/v1/apps/beacon', { config: { auth: 'public' }, bodyLimit: 1024 }, (request, reply) => {
    const parsed = Beacon.safeParse(request.body);
    if (!parsed.success)
      throw new BadRequestError('beacon body must be { "name": "lcp", "value": <milliseconds> }');
    metrics.appsWidgetLcpMs.set(parsed.data.value);
    return reply.code(204).send();
  });
  done();
};

/**
 * Public operational routes (no secrets): `GET /healthz`, `GET /readyz` (200 `ready`; 200 `degraded` with
 * `lastRefusal` when asbr served a map that failed verification and the last good map is kept, or with
 * `policy.state: "degraded"` and its path-precise `policy.reason` while the policy file is invalid, or with
 * `redis.up: false` while the shared Redis is unreachable; 503
 * `unavailable` without a verified map), `GET /metrics` (Prometheus text) and `POST /v1/apps/beacon`
 * (widget LCP → `brainwav_apps_widget_lcp_ms`; body ≤ 1 KiB, 400 `BAD_REQUEST` otherwise).
 */
export const healthRoutes = fp(plugin, {
  name: 'connectors-health',
  fastify: '5.x',
  dependencies: [AUTH_PLUGIN_NAME],
});
