import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { principalOf, type Principal } from '@cortex-os/server-kit';
import type { Client } from '@modelcontextprotocol/client';
import {
  createConnectorsGateway,
  staticConnectorSource,
  type AggregateExtension,
  type ConnectorsGateway,
  type ConnectorsGatewayOptions,
} from '../../src/index.js';
import type { GatewayHarness } from './harness.js';
import { connectorEntry, serveGateway } from './http.js';
import { bearerAuth, captureLogger, connectAs, openTestPolicy, type TestPolicy } from './policy.js';
import { apiKeyPrincipal, oauthPrincipal } from './principals.js';
import { bridgeProxy } from './proxy.js';

/**
 * The issue-11 policy used by the policy tests: support may list alpha's echo and add, call echo only on
 * `/public…` text and add always; nobody may echo `/private…`; admins may do everything else (connectors and
 * the gateway's own tools).
 */
export const POLICY_YAML = `version: 1
rules:
  - id: support-list
    effect: allow
    phase: list
    roles: [support]
    connectors: [alpha]
    tools: [echo, add]
  - id: support-public-echo
    effect: allow
    phase: call
    roles: [support]
    connectors: [alpha]
    tools: [echo]
    when: "args.text.startsWith('/public')"
  - id: no-private
    effect: deny
    phase: call
    connectors: [alpha]
    tools: [echo]
    when: "has(args.text) && args.text.startsWith('/private')"
  - id: support-add
    effect: allow
    phase: call
    roles: [support]
    connectors: [alpha]
    tools: [add]
  - id: admin-all
    effect: allow
    roles: [admin]
`;

/** Bearer tokens of the test principals. */
export const PRINCIPALS: Readonly<Record<string, Principal>> = {
  alice: apiKeyPrincipal('alice', ['support']),
  bob: apiKeyPrincipal('bob', ['admin']),
  carol: oauthPrincipal('carol', {
    roles: ['admin'],
    scopes: ['alpha:read'],
    claims: { tenant: 'acme-secret-claim' },
  }),
  dave: apiKeyPrincipal('dave'),
};

/** A gateway with connectors `alpha` (scope alpha:read) and `beta` (beta:read, beta:write) under a policy. */
export interface PolicyWorld {
  readonly gateway: ConnectorsGateway;
  readonly base: string;
  readonly policy: TestPolicy;
  readonly alpha: FixtureServer;
  readonly beta: FixtureServer;
  readonly logger: ReturnType<typeof captureLogger>;
  /** A client of `path` (`/mcp` or `/mcp/connectors/<id>`) as the principal of `token`, closed after the test. */
  connect(token: string, path?: string, options?: Parameters<typeof connectAs>[2]): Promise<Client>;
}

/** Starts the fixtures, the policy store and the gateway (served with bearer auth); all closed after the test. */
export async function startPolicyWorld(
  h: GatewayHarness,
  options: {
    yaml?: string;
    extensions?: AggregateExtension[];
    gateway?: Partial<ConnectorsGatewayOptions>;
  } = {},
): Promise<PolicyWorld> {
  const [alpha, beta] = await Promise.all([
    startFixtureServer({ name: 'fixture-alpha', tools: ['echo', 'add', 'image'] }),
    startFixtureServer({ name: 'fixture-beta', tools: ['echo'] }),
  ]);
  h.fixtures.push(alpha, beta);
  const connectors = [
    connectorEntry('alpha', alpha.url, { scopes: ['alpha:read'] }),
    connectorEntry('beta', beta.url, { scopes: ['beta:read', 'beta:write'] }),
  ];
  const bindings = connectors.map((connector) => ({ connector, proxy: bridgeProxy(connector) }));
  for (const { proxy } of bindings) h.closers.push(() => proxy.close());
  const policy = await openTestPolicy(options.yaml ?? POLICY_YAML);
  h.closers.push(() => policy.close());
  const logger = captureLogger();
  const gateway = createConnectorsGateway({
    source: staticConnectorSource(bindings),
    metrics: h.metrics,
    audit: h.audit,
    logger,
    principalOf,
    policy: policy.store,
    ...(options.extensions ? { extensions: options.extensions } : {}),
    ...options.gateway,
  });
  const http = await serveGateway(gateway, bearerAuth(PRINCIPALS));
  h.closers.push(
    () => gateway.close(),
    () => http.close(),
  );
  await gateway.ready();
  return {
    gateway,
    base: http.base,
    policy,
    alpha,
    beta,
    logger,
    connect: async (token, path = '/mcp', clientOptions) => {
      const client = await connectAs(`${http.base}${path}`, token, clientOptions);
      h.closers.push(() => client.close());
      return client;
    },
  };
}

/** Tool names of a fresh (cache-bypassing) `tools/list`. */
export async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools(undefined, { cacheMode: 'bypass' })).tools.map((t) => t.name);
}
