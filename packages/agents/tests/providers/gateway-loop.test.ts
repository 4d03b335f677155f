import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteToolProxy } from '@cortex-os/mcp-bridge';
import { startEverythingServer, type EverythingServer } from '@cortex-os/mcp-bridge/testing';
import {
  createConnectorsGateway,
  staticConnectorSource,
  type ConnectorsGateway,
} from '@cortex-os/mcp-server';
import { createSilentLogger } from '@cortex-os/telemetry';
import { Runner } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer } from '@cortex-os/agents/testing';
import { createProviderAgent } from '../../src/index.js';
import { connector } from '../helpers.js';
import { startStack, type Stack } from '../stack.js';
import { connectTo } from './helpers.js';

// model (fake server, SDK model class) → agent function tool → registry proxy → mcp-server gateway
// (/mcp/connectors/everything) → gateway proxy → server-everything → result → next model step → final answer
let everything: EverythingServer;
let gateway: ConnectorsGateway;
let http: Server;
let stack: Stack;

async function serve(g: ConnectorsGateway): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const match = /^\/mcp\/connectors\/([^/]+)$/.exec(path);
    const done = match ? g.handleConnector(decodeURIComponent(match[1]!), req, res) : undefined;
    if (!done) return void res.writeHead(404).end();
    done.catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  everything = await startEverythingServer();
  const upstream = {
    id: 'everything',
    displayName: 'Everything',
    endpoint: everything.url,
    auth: { type: 'none' as const },
    quotas: { perMinute: 600, perHour: 10_000 },
  };
  const proxy = createRemoteToolProxy(upstream, { logger: createSilentLogger('test'), probeIntervalMs: 0 });
  gateway = createConnectorsGateway({
    source: staticConnectorSource([{ connector: upstream, proxy }]),
    logger: createSilentLogger('test'),
  });
  const served = await serve(gateway);
  http = served.server;
  stack = await startStack([connector('everything', `${served.base}/mcp/connectors/everything`)]);
});

afterAll(async () => {
  await stack.close();
  await gateway.close();
  http.closeAllConnections();
  await new Promise((closed) => http.close(closed));
  await everything.stop();
});

describe('full loop through the mcp-server gateway', () => {
  it.each(['responses', 'chat_completions'])(
    '%s: the tool result from the gateway reaches the next model step',
    async (api) => {
      const model = await startModelServer({
        steps: [{ toolCalls: [{ name: 'everything__echo', arguments: { message: 'via the gateway' } }] }],
        respond: (r) =>
          JSON.stringify(r.body).includes('Echo: via the gateway')
            ? { text: 'Gateway said: Echo: via the gateway' }
            : undefined,
      });
      try {
        const c = await connectTo(model.baseURL, { CORTEX_AGENT_API: api });
        const { agent } = await createProviderAgent({
          registry: stack.registry,
          connected: c,
          instructions: 'Use tools.',
        });
        const before = await gateway.getQuotaUse('everything');
        const result = await new Runner({ modelSettings: c.modelSettings, tracingDisabled: true }).run(
          agent,
          'echo',
        );
        expect(result.finalOutput).toBe('Gateway said: Echo: via the gateway');
        // the gateway counted the call (quota window): it went through the gateway, not around it
        expect((await gateway.getQuotaUse('everything')).minute).toBe(before.minute + 1);
      } finally {
        await model.close();
      }
    },
  );
});
