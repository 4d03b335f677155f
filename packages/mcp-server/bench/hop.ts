/** Row (a''): the gateway's own MCP hop beside a bare SDK server's, both with no upstream leg. */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { createConnectorsGateway, staticConnectorSource } from '../src/index.js';
import { connect, connector, cpuMicros, mount, round, sequential, stats } from './lib.js';

/**
 * (a'') The gateway's own hop, isolated: the aggregate endpoint with an in-memory proxy (no upstream leg)
 * beside a bare SDK `McpServer` echo on the same Streamable HTTP session transport.
 */
export async function hopComparison(): Promise<{
  bareSdk: ReturnType<typeof stats> & { cpuMs: number };
  gateway: ReturnType<typeof stats> & { cpuMs: number };
}> {
  const tool = {
    name: 'echo',
    inputSchema: { type: 'object' as const, properties: { text: { type: 'string' } } },
  };
  const proxy = {
    connectorId: 'mem',
    state: 'up' as const,
    breaker: 'closed' as const,
    listTools: () => Promise.resolve([tool]),
    callTool: (_name: string, args?: Record<string, unknown>) =>
      Promise.resolve({ content: [{ type: 'text' as const, text: String(args?.text) }] }),
    client: () => Promise.reject(new Error('brAInwav: not used')),
    onToolsChanged: () => () => undefined,
  };
  const gateway = createConnectorsGateway({
    source: staticConnectorSource([{ connector: connector('mem', 'http://127.0.0.1:1/mcp'), proxy }]),
  });
  const gw = await mount(gateway);
  const sessions = new Map<string, NodeStreamableHTTPServerTransport>();
  const servers: McpServer[] = [];
  const bare = createServer(
    (req, res) =>
      void (async () => {
        const sid = req.headers['mcp-session-id'];
        let transport = typeof sid === 'string' ? sessions.get(sid) : undefined;
        if (!transport) {
          const server = new McpServer({ name: 'bare', version: '1.0.0' });
          server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, (a) => ({
            content: [{ type: 'text', text: a.text }],
          }));
          const created = new NodeStreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            enableJsonResponse: true,
            onsessioninitialized: (id) => void sessions.set(id, created),
          });
          servers.push(server);
          await server.connect(created);
          transport = created;
        }
        await transport.handleRequest(req, res);
      })(),
  );
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareClient = await connect(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/mcp`);
  const gwClient = await connect(`${gw.base}/mcp`);
  await gateway.ready();
  const bareCall = () => bareClient.callTool({ name: 'echo', arguments: { text: 'x' } });
  const gwCall = () => gwClient.callTool({ name: 'mem__echo', arguments: { text: 'x' } });
  await sequential(300, bareCall);
  await sequential(300, gwCall);
  const measure = async (call: () => Promise<unknown>) => {
    let samples: number[] = [];
    const cpu = await cpuMicros(async () => void (samples = await sequential(1_000, call)));
    return { ...stats(samples), cpuMs: round(cpu / 1_000 / 1_000) };
  };
  const bareSdk = await measure(bareCall);
  const gatewayHop = await measure(gwCall);
  await bareClient.close();
  await gwClient.close();
  await Promise.all(servers.map((s) => s.close()));
  bare.closeAllConnections();
  await new Promise<void>((resolve) => bare.close(() => resolve()));
  await gateway.close();
  await gw.close();
  return { bareSdk, gateway: gatewayHop };
}
