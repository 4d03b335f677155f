/**
 * The gateway as `npm start` runs it: the connectors server (Fastify, auth, access log, audit file, spans) and
 * asbr, each in its own process (packages/connectors/bench/stack.ts), with one connector `everything`.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { STACK_MCP_KEY, startDeployedStack, type DeployedStack } from '../../connectors/bench/stack.js';

export type { DeployedStack };

/** Starts the deployed stack in front of `upstreamUrl`. */
export function startGatewayProcess(upstreamUrl: string): Promise<DeployedStack> {
  return startDeployedStack(upstreamUrl);
}

/** A stock SDK client of the deployed `/mcp`, with the MCP API key. */
export async function connectDeployed(stack: DeployedStack): Promise<Client> {
  const client = new Client({ name: 'brainwav-bench', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${stack.base}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${STACK_MCP_KEY}` } },
    }),
  );
  return client;
}
