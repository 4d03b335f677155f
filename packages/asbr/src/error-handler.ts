import type { FastifyError, FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { ConnectorsError, errorBody, httpStatusFor } from '@cortex-os/connectors-manifest';
import { RouteNotFoundError } from './errors.js';

/** Branded code and message for a Fastify/internal error, without stack or internals. */
function describe(error: FastifyError): { status: number; code: string; message: string } {
  if (error instanceof ConnectorsError) {
    return { status: httpStatusFor(error.code), code: error.code, message: error.message };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
    return { status, code, message: `request rejected: ${error.message}` };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}

const plugin: FastifyPluginCallback = (app, _options, done) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, code, message } = describe(error);
    if (status >= 500 && code === 'INTERNAL') request.log.error({ err: error }, 'brAInwav: request failed');
    else request.log.info({ code, status }, 'brAInwav: request rejected');
    return reply.code(status).send(errorBody(code, message, request.id));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new RouteNotFoundError(request.method, request.url);
    return reply.code(404).send(errorBody(error.code, error.message, request.id));
  });
  done();
};

/**
 * Fastify plugin `asbr-errors`: every error answers the branded body `{ brand, error: { code, message },
 * traceId }` with the status of the shared code table; never a stack trace. Unknown routes → 404
 * `NOT_FOUND`; unexpected errors → 500 `INTERNAL` (details only in the log).
 */
export const errorHandlerPlugin = fp(plugin, { name: 'asbr-errors', fastify: '5.x' });
