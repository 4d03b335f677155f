import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AUTH_PLUGIN_NAME } from '@cortex-os/server-kit';
import { ManifestUnavailableError } from '../errors.js';
import type { ServiceMapStore } from '../map-store.js';
import { ifNoneMatchHits, remainingSeconds, type SignedMap } from '../signed-map.js';

/** Path of the signed service map route. */
export const SERVICE_MAP_PATH = '/v1/connectors/service-map';

/** Options of {@link serviceMapRoutes}. */
export interface ServiceMapRoutesOptions {
  /** The signed map to serve. */
  readonly store: ServiceMapStore;
  /** Current time, ms since the epoch. */
  readonly clock: () => number;
}

/** Sends `signed` (or 304 when `If-None-Match` matches) with its ETag and TTL-derived Cache-Control. */
function sendMap(request: FastifyRequest, reply: FastifyReply, signed: SignedMap, nowMs: number): void {
  const maxAge = remainingSeconds(signed.expiresAtMs, nowMs);
  void reply.header('etag', signed.etag).header('cache-control', `private, no-transform, max-age=${maxAge}`);
  if (ifNoneMatchHits(request.headers['if-none-match'], signed.etag)) {
    void reply.code(304).send();
    return;
  }
  void reply.type('application/json').send(signed.bytes);
}

const plugin: FastifyPluginCallback<ServiceMapRoutesOptions> = (app, { store, clock }, done) => {
  // Synchronous fast path while the map is fresh; a promise only when it must be re-signed first.
  app.get(SERVICE_MAP_PATH, { config: { auth: 'api' } }, (request, reply) => {
    const now = clock();
    const fresh = store.fresh(now);
    if (fresh !== undefined) return sendMap(request, reply, fresh, now);
    return store.current().then((signed) => {
      if (signed === undefined) throw new ManifestUnavailableError();
      sendMap(request, reply, signed, clock());
      return reply;
    });
  });
  done();
};

/**
 * Fastify plugin `asbr-service-map`: `GET /v1/connectors/service-map` (API key required) answers the
 * pre-serialized signed bytes with a strong `ETag`, `Cache-Control: private, no-transform,
 * max-age=<whole seconds to expiresAt>`, 304 on a matching `If-None-Match`, and 503
 * `MANIFEST_UNAVAILABLE` when no valid map is loaded. Requires server-kit's `authPlugin` (scope `api`).
 */
export const serviceMapRoutes = fp(plugin, {
  name: 'asbr-service-map',
  fastify: '5.x',
  dependencies: [AUTH_PLUGIN_NAME],
});
