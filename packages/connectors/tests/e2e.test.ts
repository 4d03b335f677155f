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
  let asbrConfig: ReturnType<typeof loadAsbrConfig>;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    everything = await startEverythingServer();
    dir = await mkdtemp(join(tmpdir(), 'brainwav-e2e-'));
    const manifestPath = join(dir, 'connectors.manifest.json');
    const manifest = {
      id: 'e2e',
      manifestVersion: '2026.11.22',
      brand: 'brAInwav',
      ttlSeconds: 300,
      connectors: [
        connector('everything', everything.url),
        connector('tasks', 'http://127.0.0.1:9/mcp', { enabled: false }),
      ],
    };
    await writeFile(manifestPath, JSON.stringify(manifest));
    const keys = { CONNECTORS_SIGNATURE_KEY: SIGNATURE_KEY, CONNECTORS_API_KEY: API_KEY };
    asbrConfig = loadAsbrConfig({ ...keys, CONNECTORS_MANIFEST_PATH: manifestPath, LOG_LEVEL: 'silent' });
    asbr = await buildAsbr({ config: asbrConfig });
    asbrBase = await asbr.listen({ port: 0, host: '127.0.0.1' });
    const config = loadConnectorsConfig({
      ...keys,
      MCP_API_KEY: MCP_KEY,
      ASBR_URL: asbrBase,
      CONNECTORS_PORT: '0',
    });
    server = await buildApp({
      config,
      logger: createSilentLogger('e2e'),
      probeIntervalMs: 300,
      downDebounceMs: 300,
      refreshIntervalMs: 250,
    });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  }, 90_000);

  afterAll(async () => {
    await server?.close();
    await asbr?.close();
    await everything?.stop();
    if (dir) await removeDir(dir);
  });

  it("serves asbr's exact, verifiable map and is ready", async () => {
    const fromAsbr = await (await fetch(`${asbrBase}/v1/connectors/service-map`, { headers: rest })).text();
    const res = await fetch(`${base}/v1/connectors/service-map`, { headers: rest });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toBe(fromAsbr);
    const verified = await verifyServiceMap(text, {
      keys: await createKeySet([{ alg: 'HS256', secret: SIGNATURE_KEY }]),
    });
    expect(verified.ok).toBe(true);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("lets an MCP client list and call the upstream's tools on /mcp", async () => {
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { 'x-api-key': MCP_KEY } },
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('everything__echo');
      const result = await client.callTool({
        name: 'everything__echo',
        arguments: { message: 'brAInwav e2e' },
      });
      expect(JSON.stringify(result.content)).toContain('brAInwav e2e');
    } finally {
      await client.close();
    }
  });

  it('streams an availability event within seconds of killing the upstream', async () => {
    await expect
      .poll(
        async () => {
          const body = (await (await fetch(`${base}/v1/connectors`, { headers: rest })).json()) as {
            connectors: { id: string; availability: string }[];
          };
          return body.connectors.find((c) => c.id === 'everything')?.availability;
        },
        { timeout: 10_000 },
      )
      .toBe('online');
    const stream = await fetch(`${base}/v1/connectors/events`, { headers: rest });
    const started = Date.now();
    await everything.stop();
    const { events } = await readSse(stream, (ev) => ev.some((e) => e.event === 'availability'), 15_000);
    const availability = events.find((e) => e.event === 'availability');
    expect(JSON.parse(availability!.data!)).toMatchObject({
      connectorId: 'everything',
      availability: 'offline',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports mapHealth "stale" with a branded error while asbr is down, and "fresh" once it is back', async () => {
    type Health = { state: string; lastError: { code: string; message: string; at: string } | null };
    const health = async (): Promise<{ mapHealth: Health; connectors: { id: string }[] }> =>
      (await (await fetch(`${base}/v1/connectors`, { headers: rest })).json()) as {
        mapHealth: Health;
        connectors: { id: string }[];
      };
    expect((await health()).mapHealth).toEqual({ state: 'fresh', lastError: null });
    const stream = await fetch(`${base}/v1/connectors/events`, { headers: rest });
    const port = Number(new URL(asbrBase).port);
    const stopped = Date.now();
    await asbr.close();

    await expect
      .poll(async () => (await health()).mapHealth.state, { timeout: 10_000, interval: 100 })
      .toBe('stale');
    expect(Date.now() - stopped).toBeLessThan(10_000);
    const down = await health();
    expect(down.mapHealth.lastError).toEqual({
      code: 'MANIFEST_UNAVAILABLE',
      message: expect.stringMatching(
        /^brAInwav: service map request to http:\/\/127\.0\.0\.1:\d+\/v1\/connectors\/service-map failed/,
      ),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    expect(down.mapHealth.lastError?.message).not.toContain(API_KEY);
    expect(down.connectors.map((c) => c.id)).toEqual(['everything', 'tasks']); // the held map is still served
    const { events } = await readSse(stream, (ev) => ev.some((e) => e.event === 'map-health'), 10_000);
    expect(JSON.parse(events.find((e) => e.event === 'snapshot')!.data!).mapHealth).toEqual({
      state: 'fresh',
      lastError: null,
    });
    expect(JSON.parse(events.find((e) => e.event === 'map-health')!.data!)).toMatchObject({
      state: 'stale',
      lastError: { code: 'MANIFEST_UNAVAILABLE' },
    });

    asbr = await buildAsbr({ config: asbrConfig });
    await asbr.listen({ port, host: '127.0.0.1' });
    await expect
      .poll(async () => (await health()).mapHealth, { timeout: 10_000, interval: 100 })
      .toEqual({ state: 'fresh', lastError: null });
  }, 30_000);
});
