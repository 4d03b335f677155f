/**
 * The two connectors servers of the OAuth benchmark, up side by side over the same upstream and the same map:
 * A — `MCP_AUTH=apiKey`, no policy file; B — `MCP_AUTH=oauth` (dev-auth issuer) and the 200-rule policy file.
 * In-process: both apps built in the benchmark process (silent logger, a static signed map). Deployed: asbr and
 * both servers from their own entries, each its own node process, with the environment `npm start` gives them
 * (the asbr bench's process helpers: NODE_ENV=production, default logging, audit file, logs to files).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ServiceMapSource } from '@cortex-os/agents';
import { buildServiceMap, createSigner, parseManifest, signServiceMap } from '@cortex-os/connectors-manifest';
import { createSilentLogger } from '@cortex-os/telemetry';
import { freePort, startChild, waitReady } from '../../asbr/bench/processes.js';
import { buildApp, loadConnectorsConfig } from '../src/index.js';
import { startDeployedAsbr } from './stack.js';
import { oauthBenchPolicy, BENCH_CONNECTOR } from './oauth-policy.js';

const SIGNING_KEY = 'oauth-bench-signing-key-0123456789-not-for-production';
const REST_KEY = 'oauth-bench-rest-key-0123456789abcdef';
/** The shared `MCP_API_KEY` of configuration A. */
export const BENCH_MCP_KEY = 'oauth-bench-mcp-key-0123456789abcdef';

/** One connectors server of the pair. */
export interface BenchServer {
  readonly base: string;
  /** CPU time (µs) of the process serving it (in-process: the whole benchmark process). */
  cpuMicros(): number;
}

/** Both servers, how they were started, and how to stop everything. */
export interface BenchPair {
  readonly mode: 'in-process' | 'deployed';
  readonly a: BenchServer;
  readonly b: BenchServer;
  readonly entry: string;
  /** The settings that shape the hot path (no keys). */
  readonly settings: Record<string, string>;
  /** Lines in each server's log and audit file (deployed only). */
  lines(): Record<string, number>;
  stop(): Promise<void>;
}

/** The manifest: one connector on the fixture upstream, quotas high enough for a benchmark. */
export function benchManifest(upstreamUrl: string, ttlSeconds = 300): Record<string, unknown> {
  return {
    id: 'brainwav-oauth-bench',
    manifestVersion: 'oauth-bench-1',
    brand: 'brAInwav',
    ttlSeconds,
    connectors: [
      {
        id: BENCH_CONNECTOR,
        version: '1.0.0',
        displayName: 'Fixtures (bench)',
        description: 'The mcp-bridge fixture server started by the benchmark.',
        endpoint: upstreamUrl,
        transport: 'streamable-http',
        auth: { type: 'none' },
        headers: {},
        scopes: ['tools:call'],
        ttlSeconds,
        quotas: { perMinute: 1_000_000, perHour: 10_000_000 },
        enabled: true,
        metadata: { brand: 'brAInwav' },
      },
    ],
  };
}

/** Environment of each side besides the shared keys: port, public URL, and B's identity settings. */
function sideEnv(side: 'a' | 'b', port: number, issuer: string, policyPath: string): Record<string, string> {
  const base = `http://127.0.0.1:${port}`;
  const common = { CONNECTORS_PORT: String(port), CONNECTORS_PUBLIC_URL: base };
  if (side === 'a') return { ...common, MCP_AUTH: 'apiKey' };
  return { ...common, MCP_AUTH: 'oauth', OAUTH_ISSUER: issuer, CONNECTORS_POLICY_FILE: policyPath };
}

function writePolicy(dir: string): string {
  const path = join(dir, 'policy.json');
  writeFileSync(path, JSON.stringify(oauthBenchPolicy(), null, 2));
  return path;
}

/** The signed map of the in-process servers (valid for an hour: one map for the whole run). */
async function signedMap(upstreamUrl: string): Promise<string> {
  const manifest = parseManifest(benchManifest(upstreamUrl, 3_600));
  const signer = await createSigner({ alg: 'HS256', secret: SIGNING_KEY });
  const map = buildServiceMap(manifest, { now: new Date(), id: '01BENCHMAP0000000000000001', version: 1 });
  return JSON.stringify(await signServiceMap(map, signer));
}

async function untilReady(base: string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    const res = await fetch(`${base}/readyz`).catch(() => undefined);
    if (res?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`brAInwav: ${base}/readyz not ready within 30 s`);
}

const processCpu = (): number => {
  const used = process.cpuUsage();
  return used.user + used.system;
};

/** Both apps in this process (buildApp, silent logger, a static signed map, no audit file). */
export async function startInProcessPair(upstreamUrl: string, issuer: string): Promise<BenchPair> {
  const dir = mkdtempSync(join(tmpdir(), 'brainwav-oauth-bench-'));
  const policyPath = writePolicy(dir);
  const bodyText = await signedMap(upstreamUrl);
  const source: ServiceMapSource = {
    fetch: () => Promise.resolve({ status: 200, bodyText, etag: '"oauth-bench-1"' }),
  };
  const apps: FastifyInstance[] = [];
  const stop = async (): Promise<void> => {
    for (const app of apps) await app.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const start = async (side: 'a' | 'b'): Promise<BenchServer> => {
      const port = await freePort();
      const config = loadConnectorsConfig({
        CONNECTORS_API_KEY: REST_KEY,
        MCP_API_KEY: BENCH_MCP_KEY,
        CONNECTORS_SIGNATURE_KEY: SIGNING_KEY,
        ...sideEnv(side, port, issuer, policyPath),
      });
      const app = await buildApp({ config, source, logger: createSilentLogger(`oauth-bench-${side}`) });
      apps.push(app);
      await app.listen({ port, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${port}`;
      await untilReady(base);
      return { base, cpuMicros: processCpu };
    };
    const a = await start('a');
    const b = await start('b');
    return {
      mode: 'in-process',
      a,
      b,
      entry: 'buildApp from src/ in the benchmark process (upstream, issuer and load generator in it too)',
      settings: { logger: 'silent', audit: 'none', tracing: 'off (no SDK started)' },
      lines: () => ({}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function countLines(path: string): number {
  try {
    return readFileSync(path, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** asbr, then A and B, each from its own entry in its own process (as `npm start` runs them). */
export async function startDeployedPair(upstreamUrl: string, issuer: string): Promise<BenchPair> {
  const deployed = await startDeployedAsbr('brainwav-oauth-bench-', benchManifest(upstreamUrl), {
    rest: REST_KEY,
    mcp: BENCH_MCP_KEY,
  });
  const { dir, env, overrides, children } = deployed;
  const stop = (): Promise<void> => deployed.stop();
  try {
    const policyPath = writePolicy(dir);
    const start = async (side: 'a' | 'b'): Promise<BenchServer> => {
      const port = await freePort();
      const child = startChild(
        deployed.connectorsArgs,
        {
          ...env,
          CONNECTORS_AUDIT_LOG: join(dir, `audit-${side}.jsonl`),
          ...sideEnv(side, port, issuer, policyPath),
        },
        join(dir, `connectors-${side}.log`),
      );
      children.push(child);
      const base = `http://127.0.0.1:${port}`;
      await waitReady(child, `${base}/readyz`);
      return { base, cpuMicros: child.cpuMicros };
    };
    const a = await start('a');
    const b = await start('b');
    return {
      mode: 'deployed',
      a,
      b,
      entry: `${deployed.entry} (one process per server)`,
      settings: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        LOG_ACCESS: 'sampled',
        tracing: 'on (no exporter)',
        audit: 'file',
        ...overrides,
      },
      lines: () => ({
        logA: countLines(join(dir, 'connectors-a.log')),
        logB: countLines(join(dir, 'connectors-b.log')),
        auditA: countLines(join(dir, 'audit-a.jsonl')),
        auditB: countLines(join(dir, 'audit-b.jsonl')),
      }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
