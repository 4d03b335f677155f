import Fastify, { type FastifyInstance } from 'fastify';
import {
  authPlugin,
  defaultHostOriginPolicy,
  errorHandlerPlugin,
  hostGuardPlugin,
  principalOf,
  type AuthPluginOptions,
} from '../src/index.js';

export const REST_KEY = 'rest-key-0123456789abcdef';
export const MCP_KEY = 'mcp-key-0123456789abcdef';

/** A Fastify app with the three server-kit plugins and routes of each scope; not listening. */
export async function buildTestApp(auth: Partial<AuthPluginOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(errorHandlerPlugin);
  await app.register(hostGuardPlugin, {
    policy: defaultHostOriginPolicy({ allowedHosts: ['svc.internal'] }),
    variables: { hosts: 'TEST_ALLOWED_HOSTS', origins: 'TEST_ALLOWED_ORIGINS' },
  });
  await app.register(authPlugin, {
    scopes: {
      rest: { keys: [REST_KEY], label: 'this route' },
      mcp: { keys: [MCP_KEY], label: 'the MCP endpoint' },
    },
    defaultScope: 'rest',
    realm: 'brAInwav test',
    ...auth,
  });
  app.get('/rest', (request) => ({ principal: request.principal }));
  app.get('/mcp', { config: { auth: 'mcp' } }, (request) => ({ raw: principalOf(request.raw) }));
  app.get('/open', { config: { auth: 'public' } }, (request) => ({ principal: request.principal }));
  app.get('/boom', { config: { auth: 'public' } }, () => {
    throw new Error('secret internal detail');
  });
  return app;
}

export const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
