/**
 * What the stdio benchmark starts: stdio connector manifest entries (server-everything, server-memory from
 * node_modules), the connectors server in-process (buildApp, silent logger, a signed map it is handed) and as
 * deployed (asbr and `node dist/main.js` in their own processes, the npm-start environment, default logging,
 * asbr publishing the stdio connectors under CONNECTORS_GATEWAY_URL), the direct SDK stdio client, and /proc
 * readings (RSS, descendants).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { NodeHttpClientTransport } from '@cortex-os/mcp-bridge';
import { buildServiceMap, createSigner, parseManifest, signServiceMap } from '@cortex-os/connectors-manifest';
import { createSilentLogger } from '@cortex-os/telemetry';
import { freePort, startChild, waitReady, type BenchChild } from '../../asbr/bench/processes.js';
import { buildApp, loadConnectorsConfig } from '../src/index.js';
import { countLines, startDeployedAsbr } from './stack.js';

const require = createRequire(import.meta.url);

export const STDIO_REST_KEY = 'stdio-bench-rest-key-0123456789abcdef';
export const STDIO_MCP_KEY = 'stdio-bench-mcp-key-0123456789abcdef';
const SIGNING_KEY = 'stdio-bench-signing-key-0123456789-not-for-production';

/** The `dist/index.js` of an @modelcontextprotocol server package in node_modules. */
export const serverEntry = (pkg: string): string =>
  require.resolve(`@modelcontextprotocol/${pkg}/package.json`).replace(/package\.json$/, 'dist/index.js');

/** A stdio manifest entry run with this node; quotas high enough for a benchmark. */
export function stdioConnector(
  id: string,
  args: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    version: '1.0.0',
    displayName: `Stdio ${id} (bench)`,
    transport: 'stdio',
    command: process.execPath,
    args,
    auth: { type: 'none' },
    scopes: ['tools:read', 'tools:call'],
    ttlSeconds: 300,
    quotas: { perMinute: 1_000_000, perHour: 10_000_000 },
    enabled: true,
    metadata: { brand: 'brAInwav' },
    limits: { memoryMb: 512, restartBackoffMs: { initial: 100, max: 400 } },
    startup: 'lazy',
    ...extra,
  };
}

/** server-everything over stdio (lazy). */
export const everythingConnector = (): Record<string, unknown> =>
  stdioConnector('everything', [serverEntry('server-everything'), 'stdio']);

/**
 * `count` server-memory connectors `memory01`…, each writing to its own file under `dir` through a secretRef
 * (`env:CONNECTOR_BENCH_MEMORY_FILE_<n>`); `env` holds those variables for the gateway's environment.
 */
export function memoryConnectors(
  count: number,
  dir: string,
): { connectors: Record<string, unknown>[]; env: Record<string, string> } {
  const connectors: Record<string, unknown>[] = [];
  const env: Record<string, string> = {};
  for (let i = 1; i <= count; i += 1) {
    const n = String(i).padStart(2, '0');
    env[`CONNECTOR_BENCH_MEMORY_FILE_${n}`] = join(dir, `memory${n}.jsonl`);
    connectors.push(
      stdioConnector(`memory${n}`, [serverEntry('server-memory')], {
        env: { MEMORY_FILE_PATH: { secretRef: `env:CONNECTOR_BENCH_MEMORY_FILE_${n}` } },
      }),
    );
  }
  return { connectors, env };
}

export function manifestOf(connectors: Record<string, unknown>[]): Record<string, unknown> {
  return {
    id: 'brainwav-stdio-bench',
    manifestVersion: 'v1',
    brand: 'brAInwav',
    ttlSeconds: 300,
    connectors,
  };
}

/** A stock SDK client of `url` (Streamable HTTP) with the MCP API key. */
export async function httpClient(url: string, key = STDIO_MCP_KEY): Promise<Client> {
  const client = new Client({ name: 'brainwav-stdio-bench', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  return client;
}

/**
 * The SDK `Client` over mcp-bridge's `NodeHttpClientTransport` (the transport the agents' RemoteToolProxy uses to
 * reach the gateway) with the MCP API key: the client side without WHATWG fetch, so the figure is the gateway's hop.
 */
export async function bridgeClient(url: string, key = STDIO_MCP_KEY): Promise<Client> {
  const client = new Client({ name: 'brainwav-stdio-bench', version: '1.0.0' });
  await client.connect(
    new NodeHttpClientTransport(new URL(url), { headers: { authorization: `Bearer ${key}` } }),
  );
  return client;
}

/** The SDK client spawning server-everything itself over stdio (the direct baseline); its child's pid. */
export async function directEverything(): Promise<{ client: Client; pid: number | null }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [serverEntry('server-everything'), 'stdio'],
    stderr: 'ignore',
  });
  const client = new Client({ name: 'brainwav-stdio-bench', version: '1.0.0' });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

/** A connectors server built in this process on a signed map of `connectors` (their specs in a manifest file). */
export interface InProcessGateway {
  readonly app: FastifyInstance;
  readonly base: string;
  close(): Promise<void>;
}

export async function startInProcess(
  connectors: Record<string, unknown>[],
  extraEnv: Record<string, string> = {},
): Promise<InProcessGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'brainwav-stdio-bench-app-'));
  const manifestJson = manifestOf(connectors);
  const manifestPath = join(dir, 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify(manifestJson));
  const signer = await createSigner({ alg: 'HS256', secret: SIGNING_KEY });
  const map = await signServiceMap(
    buildServiceMap(parseManifest(manifestJson), {
      now: new Date(),
      id: '01BENCHSTDXX00000000000001',
      version: 1,
      gatewayUrl: 'http://127.0.0.1:1',
    }),
    signer,
  );
  const body = JSON.stringify(map);
  let fetches = 0;
  const source = {
    fetch: () => {
      fetches += 1;
      return Promise.resolve({ status: 200 as const, bodyText: body, etag: `"${body.length}-${fetches}"` });
    },
  };
  for (const [name, value] of Object.entries(extraEnv)) process.env[name] = value;
  const config = loadConnectorsConfig({
    CONNECTORS_API_KEY: STDIO_REST_KEY,
    MCP_API_KEY: STDIO_MCP_KEY,
    CONNECTORS_SIGNATURE_KEY: SIGNING_KEY,
    CONNECTORS_SHUTDOWN_TIMEOUT_MS: '5000',
    CONNECTORS_MANIFEST_PATH: manifestPath,
    CONNECTORS_WORKSPACES_DIR: join(dir, 'workspaces'),
  });
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({
      config,
      source,
      logger: createSilentLogger('connectors-stdio-bench'),
      probeIntervalMs: 60_000,
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    await waitUrl(`${base}/readyz`);
    const built = app;
    return {
      app: built,
      base,
      close: async () => {
        await built.close();
        for (const name of Object.keys(extraEnv)) delete process.env[name];
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function waitUrl(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url).catch(() => undefined);
    const body = (await res?.text()) ?? 'no answer';
    if (res?.ok) return;
    if (Date.now() > deadline)
      throw new Error(`brAInwav: ${url} not ready within ${timeoutMs} ms: ${body.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** asbr serving `connectors` and the settings a deployed connectors server gets; start/stop the server at will. */
export interface DeployedStdio {
  readonly dir: string;
  readonly asbr: BenchChild;
  /** `asbr <kind>, connectors <kind>`. */
  readonly entry: string;
  /** What differs from the npm-start defaults (BENCH_* overrides), none by default. */
  readonly overrides: Record<string, string>;
  /** Starts a connectors server (own process) on the fixed port asbr publishes; resolves once /readyz is 2xx. */
  startConnectors(): Promise<{ base: string; child: BenchChild }>;
  /** Lines of the connectors server logs so far. */
  logLines(): number;
  stop(): Promise<void>;
}

/**
 * Starts asbr (its built entry, the npm-start environment) on the manifest of `connectors`, with
 * CONNECTORS_GATEWAY_URL at a port chosen now, so the map publishes the stdio connectors under the connectors
 * server that {@link DeployedStdio.startConnectors} then starts there. `secretEnv` joins both environments.
 */
export async function startDeployedStdio(
  prefix: string,
  connectors: Record<string, unknown>[],
  secretEnv: Record<string, string> = {},
): Promise<DeployedStdio> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const deployed = await startDeployedAsbr(
    prefix,
    manifestOf(connectors),
    { rest: STDIO_REST_KEY, mcp: STDIO_MCP_KEY },
    (dir) => ({
      CONNECTORS_GATEWAY_URL: base,
      CONNECTORS_WORKSPACES_DIR: join(dir, 'workspaces'),
      ...secretEnv,
    }),
  );
  const log = join(deployed.dir, 'connectors.log');
  return {
    dir: deployed.dir,
    asbr: deployed.asbr,
    entry: deployed.entry,
    overrides: deployed.overrides,
    startConnectors: async () => {
      const child = startChild(
        deployed.connectorsArgs,
        { ...deployed.env, CONNECTORS_PORT: String(port) },
        log,
      );
      deployed.children.push(child);
      await waitReady(child, `${base}/readyz`);
      return { base, child };
    },
    logLines: () => countLines(log),
    stop: () => deployed.stop(),
  };
}

/** Resident set size of `pid` (VmRSS from /proc), bytes; 0 when it is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every live descendant of `pid` (children, their children …), from the ppid field of /proc/<n>/stat. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      parent.set(Number(name), Number(fields[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const p = frontier.pop()!;
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push(child);
      frontier.push(child);
    }
  }
  return out;
}
