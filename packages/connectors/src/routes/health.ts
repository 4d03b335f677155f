import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { AUTH_PLUGIN_NAME } from '@cortex-os/server-kit';
import { BRAND, branded } from '@cortex-os/connectors-manifest';
import type { ConnectorsMetrics } from '@cortex-os/telemetry';
import { z } from 'zod';
import { BadRequestError } from '../errors.js';
import type { ConnectorsRuntime } from '../runtime.js';

/** Options of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  readonly runtime: ConnectorsRuntime;
  readonly metrics: ConnectorsMetrics;
}

const Beacon = z.object({ name: z.literal('lcp'), value: z.number().finite().nonnegative().max(600_000) });

const plugin: FastifyPluginCallback<HealthRoutesOptions> = (app, { runtime, metrics }, done) => {
  const open = { config: { auth: 'public' as const } };
  app.get('/healthz', open, (_request, reply) => reply.send({ brand: BRAND, status: 'ok' }));

  app.get('/readyz', open, (_request, reply) => {
    const r = runtime.readiness();
    // degraded while the latest fetched map is the refused one; the next verified map clears it
    const degraded = r.ready && runtime.mapHealth().state === 'refused';
    const status = r.ready ? (degraded ? 'degraded' : 'ready') : 'unavailable';
    const reason = !r.ready
      ? branded(
          `no verified service map (registry ${r.state}${r.lastFetchError ? `: ${r.lastFetchError.replace(/^brAInwav: /, '')}` : ''})`,
        )
      : degraded
        ? branded(
            `asbr served a map that failed verification (${r.lastRefusal?.code}); keeping map version ${r.mapVersion}`,
          )
        : undefined;
    return reply.code(r.ready ? 200 : 503).send({
      brand: BRAND,
      status,
      ...(reason ? { reason } : {}),
      mapVersion: r.mapVersion,
      expiresAt: r.expiresAt,
      lastRefusal: r.lastRefusal,
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
 * `lastRefusal` when asbr served a map that failed verification and the last good map is kept; 503
 * `unavailable` without a verified map), `GET /metrics` (Prometheus text) and `POST /v1/apps/beacon`
 * (widget LCP → `brainwav_apps_widget_lcp_ms`; body ≤ 1 KiB, 400 `BAD_REQUEST` otherwise).
 */
export const healthRoutes = fp(plugin, {
  name: 'connectors-health',
  fastify: '5.x',
  dependencies: [AUTH_PLUGIN_NAME],
});
