import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { ManifestUnavailableError } from '../errors.js';
import type { ServiceMapStore } from '../map-store.js';
import { ifNoneMatchHits, remainingSeconds } from '../signed-map.js';

/** Path of the signed service map route. */
export const SERVICE_MAP_PATH = '/v1/connectors/service-map';

/** Options of {@link serviceMapRoutes}. */
export interface ServiceMapRoutesOptions {
  readonly store: ServiceMapStore;
  /** Current time, ms since the epoch. */
  readonly clock: () => number;
}

const plugin: FastifyPluginCallback<ServiceMapRoutesOptions> = (app, { store, clock }, done) => {
  app.get(SERVICE_MAP_PATH, { preHandler: app.requireApiKey }, async (request, reply) => {
    const signed = store.fresh(clock()) ?? (await store.current());
    if (signed === undefined) throw new ManifestUnavailableError();
    const maxAge = remainingSeconds(signed.expiresAtMs, clock());
    void reply
      .header('etag', signed.etag)
      .header('cache-control', `private, no-transform, max-age=${maxAge}`)
      .header('x-content-type-options', 'nosniff');
    if (ifNoneMatchHits(request.headers['if-none-match'], signed.etag)) return reply.code(304).send();
    return reply.type('application/json').send(signed.bytes);
  });
  done();
};

/**
 * Fastify plugin `asbr-service-map`: `GET /v1/connectors/service-map` (API key required) answers the
 * pre-serialized signed bytes with a strong `ETag`, `Cache-Control: private, no-transform,
 * max-age=<whole seconds to expiresAt>`, 304 on a matching `If-None-Match`, and 503
 * `MANIFEST_UNAVAILABLE` when no valid map is loaded. Requires {@link authPlugin}.
 */
export const serviceMapRoutes = fp(plugin, { name: 'asbr-service-map', fastify: '5.x', dependencies: ['asbr-auth'] });
