import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { HostOriginError } from './errors.js';
import { checkHostOrigin, compileHostOriginPolicy, type HostOriginPolicy } from './host-origin.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `true` on public read-only documents browsers may fetch cross-origin (OAuth discovery): the guard
     * checks `Host` but not `Origin`.
     */
    anyOrigin?: boolean;
  }
}

/** Plugin name of {@link hostGuardPlugin}. */
export const HOST_GUARD_PLUGIN_NAME = 'brainwav-host-guard';

/** Options of {@link hostGuardPlugin}. */
export interface HostGuardOptions {
  /** The allow-lists (see `defaultHostOriginPolicy`). */
  readonly policy: HostOriginPolicy;
  /** Environment variables an operator sets to allow more, named in the 403 message. */
  readonly variables?: { readonly hosts: string; readonly origins: string };
}

const plugin: FastifyPluginCallback<HostGuardOptions> = (app, { policy, variables }, done) => {
  compileHostOriginPolicy(policy);
  const hint = {
    HOST_NOT_ALLOWED: variables ? `; to allow it, add the name to ${variables.hosts}` : '',
    ORIGIN_NOT_ALLOWED: variables ? `; to allow it, add the origin to ${variables.origins}` : '',
  };
  app.addHook('onRequest', (request, _reply, next) => {
    const headers = request.routeOptions.config.anyOrigin ? { host: request.headers.host } : request.headers;
    const verdict = checkHostOrigin(headers, request.socket.localPort, policy);
    if (verdict.ok) return next();
    next(new HostOriginError(verdict.code, verdict.message + hint[verdict.code]));
  });
  done();
};

/**
 * Fastify plugin `brainwav-host-guard`: the DNS-rebinding guard (`checkHostOrigin`) as an `onRequest`
 * hook on every route, unknown routes included. Register it before the auth plugin so a foreign page
 * never reaches key checks. A foreign Host → 403 `HOST_NOT_ALLOWED`, a foreign Origin (port compared
 * with the port the connection arrived on) → 403 `ORIGIN_NOT_ALLOWED`, both branded through the error
 * handler. Routes with `config.anyOrigin: true` (discovery documents) skip the Origin check. Throws `CONFIG_INVALID` at registration for a malformed policy entry.
 */
export const hostGuardPlugin = fp(plugin, { name: HOST_GUARD_PLUGIN_NAME, fastify: '5.x' });
