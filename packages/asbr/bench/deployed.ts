/**
 * The service-map route as `npm start` runs it: asbr's own entry (`dist/main.js`) in its own process with the
 * environment scripts/npm-start.mjs gives it (NODE_ENV=production, default LOG_LEVEL and LOG_ACCESS, logs to a
 * file), against a bare Fastify route in its own process answering the same bytes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abbaRounds, type Comparison, type RoundsOptions } from './http-rounds.js';
import { BENCH_API_KEY, BENCH_SIGNING_KEY, syntheticManifest } from './fixtures.js';
import { deployedEntry, freePort, npmStartEnv, startChild, waitReady, type BenchChild } from './processes.js';

const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-server.ts', import.meta.url));
const MAP_PATH = '/v1/connectors/service-map';

/** What the as-deployed rows record besides the figures. */
export interface DeployedComparison extends Comparison {
  entry: string;
  env: Record<string, string>;
  logLines: number;
}

/** The environment npm start gives asbr (dev keys as in .env.local; log settings left at their defaults). */
function asbrEnv(dir: string, port: number): Record<string, string> {
  return npmStartEnv(dir, {
    CONNECTORS_SIGNATURE_KEY: BENCH_SIGNING_KEY,
    CONNECTORS_API_KEY: BENCH_API_KEY,
    MCP_API_KEY: 'asbr-bench-mcp-key-0001-not-for-prod',
    ASBR_URL: `http://127.0.0.1:${port}`,
    ASBR_PORT: String(port),
  }).env;
}

/** Runs the as-deployed comparison; both children are stopped (by pid) whatever happens. */
export async function measureDeployed(options: Omit<RoundsOptions, 'headers'>): Promise<DeployedComparison> {
  const dir = mkdtempSync(join(tmpdir(), 'brainwav-asbr-bench-'));
  const children: BenchChild[] = [];
  try {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(syntheticManifest(50)));
    const port = await freePort();
    const env = asbrEnv(dir, port);
    const entry = deployedEntry(PACKAGE_DIR);
    const asbr = startChild(entry.args, env, join(dir, 'asbr.log'));
    children.push(asbr);
    const base = `http://127.0.0.1:${port}`;
    await waitReady(asbr, `${base}/readyz`);
    const headers = { authorization: `Bearer ${BENCH_API_KEY}` };
    const map = Buffer.from(await (await fetch(`${base}${MAP_PATH}`, { headers })).arrayBuffer());
    writeFileSync(join(dir, 'map.json'), map);
    const barePort = await freePort();
    const bare = startChild(
      ['--conditions=@cortex-os/source', '--import', 'tsx', BARE, join(dir, 'map.json')],
      { PATH: env.PATH!, NODE_ENV: 'production', PORT: String(barePort) },
      join(dir, 'bare.log'),
    );
    children.push(bare);
    await waitReady(bare, `http://127.0.0.1:${barePort}/readyz`);
    const linesBefore = countLines(join(dir, 'asbr.log'));
    const comparison = await abbaRounds(
      { url: `${base}${MAP_PATH}`, cpuMicros: asbr.cpuMicros },
      { url: `http://127.0.0.1:${barePort}${MAP_PATH}`, cpuMicros: bare.cpuMicros },
      { ...options, headers },
    );
    await Promise.all(children.map((c) => c.stop()));
    const { CONNECTORS_SIGNATURE_KEY: _s, CONNECTORS_API_KEY: _a, MCP_API_KEY: _m, ...shown } = env;
    return {
      ...comparison,
      entry: entry.kind,
      env: shown,
      logLines: countLines(join(dir, 'asbr.log')) - linesBefore,
    };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

function countLines(path: string): number {
  return readFileSync(path, 'utf8').split('\n').length - 1;
}
