import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { buildApp as buildAsbr, loadAsbrConfig } from '@cortex-os/asbr';
import { createKeySet, verifyServiceMap } from '@cortex-os/connectors-manifest';
import { startEverythingServer, type EverythingServer } from '@cortex-os/mcp-bridge/testing';
import { createSilentLogger } from '@cortex-os/telemetry';
import { buildApp, loadConnectorsConfig } from '../src/index.js';
import { API_KEY, MCP_KEY, SIGNATURE_KEY, connector, readSse, removeDir, rest } from './helpers.js';

describe('e2e: asbr + connectors server + a real upstream (server-everything) on free ports', () => {
  let everything: EverythingServer;
  let asbr: FastifyInstance;
  let server: FastifyInstance;
  let asbrBase: string;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    everything = await startEverythingServer();
    dir = await mkdtemp(join(tmpdir(), 'brainwav-e2e-'));
    const manifestPath = join(dir, 'connectors.manifest.json');
    const manifest = {
      id: 'e2e', manifestVersion: '2026.11.22', brand: 'brAInwav', ttlSeconds: 300,
      connectors: [connector('everything', everything.url), connector('tasks', 'http://127.0.0.1:9/mcp', { enabled: false })],
    };
    await writeFile(manifestPath, JSON.stringify(manifest));
    const keys = { CONNECTORS_SIGNATURE_KEY: SIGNATURE_KEY, CONNECTORS_API_KEY: API_KEY };
    asbr = await buildAsbr({ config: loadAsbrConfig({ ...keys, CONNECTORS_MANIFEST_PATH: manifestPath, LOG_LEVEL: 'silent' }) });
    asbrBase = await asbr.listen({ port: 0, host: '127.0.0.1' });
    const config = loadConnectorsConfig({ ...keys, MCP_API_KEY: MCP_KEY, ASBR_URL: asbrBase, CONNECTORS_PORT: '0' });
    server = await buildApp({ config, logger: createSilentLogger('e2e'), probeIntervalMs: 300, downDebounceMs: 300 });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  }, 90_000);

  afterAll(async () => {
    await server?.close();
    await asbr?.close();
    await everything?.stop();
    if (dir) await removeDir(dir);
  });

  it('serves asbr\'s exact, verifiable map and is ready', async () => {
    const fromAsbr = await (await fetch(`${asbrBase}/v1/connectors/service-map`, { headers: rest })).text();
    const res = await fetch(`${base}/v1/connectors/service-map`, { headers: rest });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toBe(fromAsbr);
    const verified = await verifyServiceMap(text, { keys: await createKeySet([{ alg: 'HS256', secret: SIGNATURE_KEY }]) });
    expect(verified.ok).toBe(true);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('lets an MCP client list and call the upstream\'s tools on /mcp', async () => {
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { 'x-api-key': MCP_KEY } } }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('everything__echo');
      const result = await client.callTool({ name: 'everything__echo', arguments: { message: 'brAInwav e2e' } });
      expect(JSON.stringify(result.content)).toContain('brAInwav e2e');
    } finally {
      await client.close();
    }
  });

  it('streams an availability event within seconds of killing the upstream', async () => {
    await expect.poll(async () => {
      const body = (await (await fetch(`${base}/v1/connectors`, { headers: rest })).json()) as { connectors: { id: string; availability: string }[] };
      return body.connectors.find((c) => c.id === 'everything')?.availability;
    }, { timeout: 10_000 }).toBe('online');
    const stream = await fetch(`${base}/v1/connectors/events`, { headers: rest });
    const started = Date.now();
    await everything.stop();
    const { events } = await readSse(stream, (ev) => ev.some((e) => e.event === 'availability'), 15_000);
    const availability = events.find((e) => e.event === 'availability');
    expect(JSON.parse(availability!.data!)).toMatchObject({ connectorId: 'everything', availability: 'offline' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
