import type { FastifyError, FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { ConnectorsError, errorBody, httpStatusFor } from '@cortex-os/connectors-manifest';

function codeOf(error: FastifyError): { code: string; status: number; message: string } {
  if (error instanceof ConnectorsError)
    return { code: error.code, status: httpStatusFor(error.code), message: error.message };
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { code: 'PAYLOAD_TOO_LARGE', status: 413, message: 'request body too large' };
  if (
    error.validation ||
    (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
  ) {
    return { code: 'BAD_REQUEST', status: 400, message: `invalid request: ${error.message}` };
  }
  return { code: 'INTERNAL', status: 500, message: 'internal error' };
}

const handler: FastifyPluginCallback = (app, _options, done) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { code, status, message } = codeOf(error);
    if (status >= 500) request.log.error({ err: error, code }, 'brAInwav: request failed');
    return reply
      .code(status)
      .type('application/json')
      .send(errorBody(code, message, request.id));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        errorBody(
          'NOT_FOUND',
          `no route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`,
          request.id,
        ),
      ),
  );
  done();
};

/** Renders every error as the DESIGN.md body `{ brand, error: { code, message }, traceId }` with the status of its code. */
export const errorHandlerPlugin = fp(handler, { name: 'connectors-errors', fastify: '5.x' });
