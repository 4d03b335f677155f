import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServiceMap, createSigner, parseManifest, signServiceMap } from '@cortex-os/connectors-manifest';
import { BUILD_INFO_FILE, hashSourceTree } from '@cortex-os/connectors-manifest/node';
import type { ServiceMapSource } from '@cortex-os/agents';
import { createSilentLogger } from '@cortex-os/telemetry';
import {
  buildApp,
  loadConnectorsConfig,
  sha256Source,
  type BuildAppOptions,
  type ConnectorsEnv,
} from '../src/index.js';

export const SIGNATURE_KEY = 'test-signature-key-0123456789-abcdefghijklmnop';
export const API_KEY = 'rest-key-0123456789abcdef';
export const MCP_KEY = 'mcp-key-0123456789abcdef';

/** A manifest connector pointing at `endpoint` (auth none unless given). */
export function connector(
  id: string,
  endpoint: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    version: '1.0.0',
    displayName: `Test ${id}`,
    endpoint,
    transport: 'streamable-http',
    auth: { type: 'none' },
    scopes: ['tools:call'],
    ttlSeconds: 300,
    quotas: { perMinute: 60, perHour: 1000 },
    enabled: true,
    metadata: { brand: 'brAInwav' },
    ...extra,
  };
}

/** Signs a map of `connectors` with the test HS256 key; returns the exact JSON text. */
export async function signedMapText(
  connectors: Record<string, unknown>[],
  version = 1,
  now = new Date(),
  secret = SIGNATURE_KEY,
): Promise<string> {
  const manifest = parseManifest({
    id: 'test-manifest',
    manifestVersion: `v${version}`,
    brand: 'brAInwav',
    ttlSeconds: 300,
    connectors,
  });
  const signer = await createSigner({ alg: 'HS256', secret });
  const map = await signServiceMap(
    buildServiceMap(manifest, { now, id: `01TESTMAP${String(version).padStart(17, '0')}`, version }),
    signer,
  );
  return JSON.stringify(map);
}

/** A map source the test controls: `set(text)` changes what the next fetch returns. */
export function controlledSource(
  initial: string,
): ServiceMapSource & { set(text: string): void; fetches: number } {
  let body = initial;
  const src = {
    fetches: 0,
    set: (text: string) => void (body = text),
    fetch: () => {
      src.fetches += 1;
      return Promise.resolve({
        status: 200 as const,
        bodyText: body,
        etag: `"${body.length}-${src.fetches}"`,
      });
    },
  };
  return src;
}

/** A widget dist/src pair in a temp dir; `fresh` makes dist newer than src. */
export async function widgetDirs(
  state: 'fresh' | 'missing' | 'stale',
): Promise<{ root: string; dist: string; src: string }> {
  const root = await mkdtemp(join(tmpdir(), 'brainwav-widget-'));
  const dist = join(root, 'dist');
  const src = join(root, 'src');
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'main.tsx'), 'export {};\n');
  if (state !== 'missing') {
    await mkdir(dist, { recursive: true });
    await writeFile(
      join(dist, 'index.html'),
      '<!doctype html><html><head><style>body{color:red}</style><script defer src=main.0123abcd.js></script></head><body><div id=root></div></body></html>',
    );
    await writeFile(
      join(dist, 'main.0123abcd.js'),
      'document.getElementById("root").textContent="brAInwav";\n',
    );
    await writeFile(
      join(dist, 'mcp-app.html'),
      '<!doctype html><html><body><div id=root>brAInwav mcp app</div></body></html>',
    );
    // what the widget build writes: the CSP hashes of each page's inline blocks
    await writeFile(
      join(dist, 'csp.json'),
      JSON.stringify({
        'index.html': { script: [], style: [sha256Source('body{color:red}')] },
        'mcp-app.html': { script: [], style: [] },
      }),
    );
    // a fresh bundle records the hash of the source it was built from; a stale one an older source's hash
    const sourceHash = state === 'stale' ? 'f'.repeat(64) : await hashSourceTree(src);
    await writeFile(
      join(dist, BUILD_INFO_FILE),
      JSON.stringify({ sourceHash, builtAt: '2026-11-22T00:00:00.000Z' }),
    );
  }
  return { root, dist, src };
}

/** Test env: keys set, loopback host, widget dirs given. */
export function testEnv(extra: Record<string, string> = {}): ConnectorsEnv {
  return {
    CONNECTORS_API_KEY: API_KEY,
    MCP_API_KEY: MCP_KEY,
    CONNECTORS_SIGNATURE_KEY: SIGNATURE_KEY,
    CONNECTORS_SHUTDOWN_TIMEOUT_MS: '5000',
    ...extra,
  };
}

/** Builds the app with a controlled source and silent logs. */
export async function startApp(
  env: ConnectorsEnv,
  source: ServiceMapSource,
  extra: Partial<BuildAppOptions> = {},
): Promise<FastifyInstance> {
  const config = loadConnectorsConfig(env);
  return buildApp({
    config,
    source,
    logger: createSilentLogger('connectors-test'),
    probeIntervalMs: 60_000,
    ...extra,
  });
}

/**
 * Builds the app on a {@link widgetDirs} pair, serving a signed map of `connectors`; `extraEnv` adds variables.
 */
export async function startWidgetApp(
  widget: { dist: string; src: string },
  connectors: Record<string, unknown>[],
  extraEnv: Record<string, string> = {},
): Promise<FastifyInstance> {
  const env = testEnv({
    CONNECTORS_WIDGET_DIR: widget.dist,
    CONNECTORS_WIDGET_SRC_DIR: widget.src,
    ...extraEnv,
  });
  return startApp(env, controlledSource(await signedMapText(connectors)));
}

export const rest = { authorization: `Bearer ${API_KEY}` };

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Reads SSE frames from a fetch Response until `until` returns true or `timeoutMs` passes. */
export async function readSse(
  res: Response,
  until: (events: { id?: string; event?: string; data?: string }[], raw: string) => boolean,
  timeoutMs = 10_000,
): Promise<{ events: { id?: string; event?: string; data?: string }[]; raw: string }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  const events: { id?: string; event?: string; data?: string }[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<{ done: true; value: undefined }>((r) =>
          setTimeout(() => r({ done: true, value: undefined }), Math.max(1, deadline - Date.now())),
        ),
      ]);
      if (chunk.done) break;
      raw += decoder.decode(chunk.value, { stream: true });
      events.length = 0;
      for (const block of raw.split('\n\n').slice(0, -1)) {
        const e: { id?: string; event?: string; data?: string } = {};
        for (const line of block.split('\n')) {
          const m = /^(id|event|data): (.*)$/.exec(line);
          if (m) e[m[1] as 'id' | 'event' | 'data'] = m[2];
        }
        if (e.event) events.push(e);
      }
      if (until(events, raw)) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return { events, raw };
}
