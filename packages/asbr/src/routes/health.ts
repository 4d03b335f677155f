import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { BRAND, branded } from '@cortex-os/connectors-manifest';
import type { Registry } from '@cortex-os/telemetry';
import type { ManifestReloader } from '../reloader.js';
import type { ServiceMapStore } from '../map-store.js';

/** Options of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  /** Source of the map `/readyz` reports. */
  readonly store: ServiceMapStore;
  /** Source of the readiness state and last failure. */
  readonly reloader: ManifestReloader;
  /** prom-client registry `/metrics` exports. */
  readonly registry: Registry;
}

const plugin: FastifyPluginCallback<HealthRoutesOptions> = (app, { store, reloader, registry }, done) => {
  const open = { config: { auth: 'public' as const } };
  app.get('/healthz', open, (_request, reply) => reply.send({ brand: BRAND, status: 'ok' }));

  app.get('/readyz', open, async (_request, reply) => {
    const signed = await store.current();
    const { state, failure } = reloader.readiness();
    if (signed === undefined) {
      const reason = failure?.message ?? branded('no connectors manifest loaded yet');
      return reply
        .code(503)
        .send({ brand: BRAND, status: 'unavailable', reason, lastError: failure ?? null });
    }
    const { map } = signed;
    return reply.send({
      brand: BRAND,
      status: state,
      ...(failure ? { reason: failure.message, lastError: failure } : {}),
      mapVersion: map.version,
      manifestId: map.manifestId,
      manifestVersion: map.manifestVersion,
      generatedAt: map.generatedAt,
      expiresAt: map.expiresAt,
    });
  });

  app.get('/metrics', open, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
  done();
};

/**
 * Fastify plugin `asbr-health`, all without an API key (`config.auth: "public"`; no secrets are exposed),
 * behind the Host/Origin guard like every route:
 * - `GET /healthz` → 200 `{ brand, status: "ok" }` while the process is up;
 * - `GET /readyz` → 200 `{ status: "ready", mapVersion, … }` (the map a client would get now, re-signed
 *   first when half its TTL has passed); 200 `{ status: "degraded", reason,
 *   lastError }` when the last reload failed but the last good map is still served; 503
 *   `{ status: "unavailable", reason }` when no map is loaded;
 * - `GET /metrics` → Prometheus text of the metrics registry.
 */
export const healthRoutes = fp(plugin, { name: 'asbr-health', fastify: '5.x' });
