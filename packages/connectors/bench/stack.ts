/**
 * The stack as `npm start` runs it, for the as-deployed benchmarks: asbr and the connectors server from their
 * own entries (`dist/main.js`, see deployedEntry), each in its own process, with the environment
 * scripts/npm-start.mjs gives them (NODE_ENV=production, dev keys, CONNECTORS_AUDIT_LOG, ASBR_URL; LOG_LEVEL,
 * LOG_ACCESS and tracing at their defaults), logs appended to files. The one connector points at `upstreamUrl`
 * with quotas high enough for a benchmark (the demo manifest's 120/min would answer QUOTA_EXCEEDED).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  deployedEntry,
  freePort,
  npmStartEnv,
  startChild,
  waitReady,
  type BenchChild,
} from '../../asbr/bench/processes.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const STACK_API_KEY = 'stack-bench-rest-key-0123456789abcdef';
export const STACK_MCP_KEY = 'stack-bench-mcp-key-0123456789abcdef';
const SIGNING_KEY = 'stack-bench-signing-key-0123456789-not-for-production';

/** A running deployed stack. */
export interface DeployedStack {
  /** Base URL of the connectors server. */
  readonly base: string;
  readonly connectors: BenchChild;
  readonly asbr: BenchChild;
  /** How each process was started (`dist` or `src (tsx)`). */
  readonly entry: string;
  /** The settings that shape the hot path, as the children got them (no keys). */
  readonly settings: Record<string, string>;
  /** Lines written so far to the connectors server's log and to the audit file. */
  lines(): { log: number; audit: number };
  stop(): Promise<void>;
}

/** The manifest of the benchmark stacks: one connector, `everything`, at `upstreamUrl`, quotas out of the way. */
export function benchManifest(upstreamUrl: string): Record<string, unknown> {
  return {
    id: 'brainwav-bench',
    manifestVersion: 'bench-1',
    brand: 'brAInwav',
    ttlSeconds: 300,
    connectors: [
      {
        id: 'everything',
        version: '1.0.0',
        displayName: 'Everything (bench)',
        description: 'server-everything started by the benchmark.',
        endpoint: upstreamUrl,
        transport: 'streamable-http',
        auth: { type: 'none' },
        headers: {},
        scopes: ['tools:read', 'tools:call'],
        ttlSeconds: 300,
        quotas: { perMinute: 1_000_000, perHour: 10_000_000 },
        enabled: true,
        metadata: { brand: 'brAInwav' },
      },
    ],
  };
}

/** Lines written to `path` so far (0 while it does not exist). */
export function countLines(path: string): number {
  try {
    return readFileSync(path, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** A deployed asbr serving `manifest`, with the environment and entry a deployed connectors server needs. */
export interface DeployedAsbr {
  readonly dir: string;
  readonly env: Record<string, string>;
  /** What the environment sets differently from the defaults (for the report). */
  readonly overrides: Record<string, string>;
  readonly asbr: BenchChild;
  /** Children started so far (asbr first); `stop` stops them in reverse and removes `dir`. */
  readonly children: BenchChild[];
  /** The connectors server's node arguments (built entry, `--cpu-prof` with BENCH_CPU_PROF_DIR). */
  readonly connectorsArgs: string[];
  /** `asbr <kind>, connectors <kind>`: which entries run. */
  readonly entry: string;
  readonly stop: () => Promise<void>;
}

/**
 * Writes `manifest` into a fresh temp dir and starts asbr on it from its built entry (as `npm start` does);
 * `keys` are the connectors server's REST and MCP keys, `extraEnv(dir)` more variables of both servers (e.g. the
 * gateway URL stdio connectors are published under). Stops what it started when asbr does not get ready.
 */
export async function startDeployedAsbr(
  prefix: string,
  manifestJson: unknown,
  keys: { rest: string; mcp: string },
  extraEnv: (dir: string) => Record<string, string> = () => ({}),
): Promise<DeployedAsbr> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifestJson));
  const asbrPort = await freePort();
  const { env, overrides } = npmStartEnv(dir, {
    CONNECTORS_SIGNATURE_KEY: SIGNING_KEY,
    CONNECTORS_API_KEY: keys.rest,
    MCP_API_KEY: keys.mcp,
    ASBR_URL: `http://127.0.0.1:${asbrPort}`,
    ...extraEnv(dir),
  });
  const children: BenchChild[] = [];
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const asbrEntry = deployedEntry(join(ROOT, 'packages/asbr'));
    const asbr = startChild(asbrEntry.args, { ...env, ASBR_PORT: String(asbrPort) }, join(dir, 'asbr.log'));
    children.push(asbr);
    await waitReady(asbr, `http://127.0.0.1:${asbrPort}/readyz`);
    const entry = deployedEntry(join(ROOT, 'packages/connectors'));
    // BENCH_CPU_PROF_DIR: write a V8 CPU profile of each connectors server there (on its exit)
    const prof = process.env.BENCH_CPU_PROF_DIR;
    const connectorsArgs = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, ...entry.args] : entry.args;
    const kinds = `asbr ${asbrEntry.kind}, connectors ${entry.kind}`;
    return { dir, env, overrides, asbr, children, connectorsArgs, entry: kinds, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts asbr, then the connectors server, and waits until both are ready. */
export async function startDeployedStack(upstreamUrl: string): Promise<DeployedStack> {
  const deployed = await startDeployedAsbr('brainwav-stack-bench-', benchManifest(upstreamUrl), {
    rest: STACK_API_KEY,
    mcp: STACK_MCP_KEY,
  });
  const { dir, env, overrides: settings, asbr, children } = deployed;
  const stop = (): Promise<void> => deployed.stop();
  try {
    const port = await freePort();
    const connectors = startChild(
      deployed.connectorsArgs,
      { ...env, CONNECTORS_PORT: String(port) },
      join(dir, 'connectors.log'),
    );
    children.push(connectors);
    const base = `http://127.0.0.1:${port}`;
    await waitReady(connectors, `${base}/readyz`);
    return {
      base,
      connectors,
      asbr,
      entry: deployed.entry,
      settings: {
        LOG_LEVEL: 'info',
        LOG_ACCESS: 'sampled',
        tracing: 'on (no exporter)',
        audit: 'file',
        ...settings,
      },
      lines: () => ({
        log: countLines(join(dir, 'connectors.log')),
        audit: countLines(join(dir, 'audit.jsonl')),
      }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
