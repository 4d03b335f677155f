import type { FastifyError, FastifyPluginCallback, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ConnectorsError, errorBody, httpStatusFor } from '@cortex-os/connectors-manifest';

/** Plugin name of {@link errorHandlerPlugin}. */
export const ERRORS_PLUGIN_NAME = 'brainwav-errors';

interface Described {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** Code and message of a non-brAInwav 4xx (Fastify's own: bad JSON, body too large, not found…). */
function clientError(error: FastifyError, status: number): Described {
  if (status === 413) return { status, code: 'PAYLOAD_TOO_LARGE', message: 'request body too large' };
  if (status === 404) return { status, code: 'NOT_FOUND', message: `request rejected: ${error.message}` };
  return { status: 400, code: 'BAD_REQUEST', message: `invalid request: ${error.message}` };
}

/** Branded status, code and message of any error, without stack or internals. */
function describeError(error: FastifyError): Described {
  if (error instanceof ConnectorsError)
    return { status: httpStatusFor(error.code), code: error.code, message: error.message };
  const status = error.validation ? 400 : (error.statusCode ?? 500);
  if (status >= 400 && status < 500) return clientError(error, status);
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}

/** `route GET /path not found` (query dropped, path cut at 200 characters). */
function notFoundMessage(request: FastifyRequest): string {
  return `route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)} not found`;
}

const plugin: FastifyPluginCallback = (app, _options, done) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, code, message } = describeError(error);
    if (status >= 500) request.log.error({ err: error, code }, 'brAInwav: request failed');
    else request.log.info({ code, status }, 'brAInwav: request rejected');
    return reply
      .code(status)
      .type('application/json')
      .send(errorBody(code, message, request.id));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/json')
      .send(errorBody('NOT_FOUND', notFoundMessage(request), request.id)),
  );
  done();
};

/**
 * Fastify plugin `brainwav-errors`: every error answers the DESIGN.md body `{ brand, error: { code,
 * message }, traceId }` with the status of the shared code table, never a stack trace. brAInwav errors
 * keep their code; Fastify's 413 → `PAYLOAD_TOO_LARGE`, other 4xx (bad JSON, validation) → 400
 * `BAD_REQUEST`; unknown routes → 404 `NOT_FOUND` (`route GET /x not found`); anything else → 500
 * `INTERNAL` (details only in the error log). 4xx are logged at info without the error.
 */
export const errorHandlerPlugin = fp(plugin, { name: ERRORS_PLUGIN_NAME, fastify: '5.x' });
