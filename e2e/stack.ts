import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp as buildAsbr, loadAsbrConfig } from '@cortex-os/asbr';
import { buildApp as buildConnectors, loadConnectorsConfig } from '@cortex-os/connectors';
import {
  startEverythingServer,
  startFixtureServer,
  type EverythingServer,
  type FixtureServer,
} from '@cortex-os/mcp-bridge/testing';

/** How long an open upstream circuit waits before its half-open probe (`CONNECTORS_BREAKER_RESET_MS`), ms. */
export const BREAKER_RESET_MS = 5_000;

/** REST key of the connectors server (typed into the widget's key form). */
export const API_KEY = 'e2e-rest-key-0123456789abcdef';
const MCP_KEY = 'e2e-mcp-key-0123456789abcdef';
const SIGNATURE_KEY = 'e2e-signature-key-0123456789-abcdefghijklmnop';

type App = Awaited<ReturnType<typeof buildAsbr>>;

/** Options of {@link startStack}. */
export interface StackOptions {
  /** Built widget directory (apps/chatgpt-dashboard/dist). */
  distDir: string;
  /** Map TTL in seconds: the registry refetches from half of it, so a short TTL notices asbr going away quickly. */
  ttlSeconds: number;
  /** Upstream health probe period of the connectors server, milliseconds. */
  probeIntervalMs: number;
}

/** The real stack on free 127.0.0.1 ports. */
export interface Stack {
  /** Restartable fixture upstream (connector `fixture`). */
  fixture: FixtureServer;
  /** `@modelcontextprotocol/server-everything` child process (connector `everything`). */
  everything: EverythingServer;
  /** asbr base URL. */
  asbrUrl: string;
  /** Connectors server base URL (serves the widget at /apps/chatgpt-dashboard/). */
  url: string;
  /** Stops asbr only (the connectors server keeps its cached map). Idempotent. */
  stopAsbr(): Promise<void>;
  /** Closes everything it started (servers, child process, temp dir). Idempotent. */
  close(): Promise<void>;
}

function connector(
  id: string,
  displayName: string,
  endpoint: string,
  enabled = true,
): Record<string, unknown> {
  return {
    id,
    version: '1.0.0',
    displayName,
    endpoint,
    transport: 'streamable-http',
    auth: { type: 'none' },
    scopes: ['tools:call'],
    quotas: { perMinute: 60, perHour: 1000 },
    enabled,
    metadata: { brand: 'brAInwav' },
  };
}

/**
 * Starts two real upstreams, a real asbr serving a signed map of them (manifest in a temp file) and the real
 * connectors server pointed at asbr and at the built widget.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async (): Promise<void> => {
    for (const fn of closers.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const fixture = await startFixtureServer({ name: 'brainwav-e2e-fixture' });
    closers.push(() => fixture.stop());
    const everything = await startEverythingServer();
    closers.push(() => everything.stop());
    const dir = await mkdtemp(join(tmpdir(), 'brainwav-widget-e2e-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const manifestPath = join(dir, 'connectors.manifest.json');
    const connectors = [
      connector('fixture', 'Fixture upstream', fixture.url),
      connector('everything', 'Everything demo', everything.url),
      connector('tasks', 'Tasks (disabled)', 'http://127.0.0.1:9/mcp', false),
    ];
    await writeFile(
      manifestPath,
      JSON.stringify({
        id: 'brainwav-e2e',
        manifestVersion: '2026.11.22',
        brand: 'brAInwav',
        ttlSeconds: options.ttlSeconds,
        connectors,
      }),
    );
    const keys = { CONNECTORS_SIGNATURE_KEY: SIGNATURE_KEY, CONNECTORS_API_KEY: API_KEY };
    const asbr: App = await buildAsbr({
      config: loadAsbrConfig({ ...keys, CONNECTORS_MANIFEST_PATH: manifestPath, LOG_LEVEL: 'silent' }),
    });
    let asbrOpen = true;
    const stopAsbr = async (): Promise<void> => {
      if (asbrOpen) await asbr.close();
      asbrOpen = false;
    };
    closers.push(stopAsbr);
    const asbrUrl = await asbr.listen({ port: 0, host: '127.0.0.1' });
    const config = loadConnectorsConfig({
      ...keys,
      MCP_API_KEY: MCP_KEY,
      ASBR_URL: asbrUrl,
      CONNECTORS_PORT: '0',
      LOG_LEVEL: 'silent',
      CONNECTORS_WIDGET_DIR: options.distDir,
      CONNECTORS_PROBE_INTERVAL_MS: String(options.probeIntervalMs),
      CONNECTORS_SHUTDOWN_TIMEOUT_MS: '2000',
      CONNECTORS_BREAKER_RESET_MS: String(BREAKER_RESET_MS),
    });
    const server = await buildConnectors({ config });
    closers.push(() => server.close());
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    return { fixture, everything, asbrUrl, url, stopAsbr, close };
  } catch (error) {
    await close();
    throw error;
  }
}
