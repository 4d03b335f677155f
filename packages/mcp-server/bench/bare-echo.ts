/**
 * A bare SDK `McpServer` with an `echo` tool (JSON responses, one session transport per client) on a Node http
 * server in this process, port 0: the Streamable HTTP floor the gateway's own hop is compared with (hop.ts, and
 * the stdio benchmark's reference row in packages/connectors/bench).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** A running bare SDK echo server: `url` of its MCP endpoint. */
export interface BareHttpEcho {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the bare echo server; its tool takes one string `argument` and answers `Echo: <value>`. */
export async function startBareHttpEcho(argument = 'message'): Promise<BareHttpEcho> {
  const sessions = new Map<string, NodeStreamableHTTPServerTransport>();
  const servers: McpServer[] = [];
  const http = createServer(
    (req, res) =>
      void (async () => {
        const sid = req.headers['mcp-session-id'];
        let transport = typeof sid === 'string' ? sessions.get(sid) : undefined;
        if (!transport) {
          const server = new McpServer({ name: 'brainwav-bare-echo', version: '1.0.0' });
          const inputSchema = z.object({ [argument]: z.string() });
          server.registerTool('echo', { inputSchema }, (a: Record<string, string>) => ({
            content: [{ type: 'text', text: `Echo: ${a[argument]}` }],
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
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
