// `npm run cluster` for real (scripts/cluster.mjs): Redis, 2 asbr and 3 connectors replicas behind HAProxy, on a
// manifest with one connector (server-everything started here) and free ports. A stock SDK client makes
// 1,000 tool calls through the load balancer on one session while a replica is killed (and restarted by the
// cluster): every call answers (the client retries only what failed), the audit lines across replicas show no call
// ran more often than it was sent, the session continues, and Ctrl-C leaves no process behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freePort, startEverythingServer, type EverythingServer } from '@cortex-os/mcp-bridge/testing';
import { connector } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const CALLS = 1_000;
// a run folder of its own: another cluster (a developer's `npm run cluster`) writes tmp/cluster
const runDir = mkdtempSync(join(tmpdir(), 'brainwav-cluster-run-'));
const KEYS = {
  CONNECTORS_SIGNATURE_KEY: 'cluster-test-signature-key-0123456789-abcdefghij',
  CONNECTORS_API_KEY: 'cluster-test-rest-key-0123456789abcdef',
  MCP_API_KEY: 'cluster-test-mcp-key-0123456789abcdef',
  CONNECTORS_SESSION_KEYS: Buffer.alloc(32, 7).toString('base64'),
};

/** `node scripts/cluster.mjs --skip-install --skip-build` until its ready banner; what it printed. */
async function startCluster(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string }> {
  let output = '';
  const child = spawn(process.execPath, ['scripts/cluster.mjs', '--skip-install', '--skip-build'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 120_000;
  while (!output.includes('cluster is ready')) {
    if (child.exitCode !== null) throw new Error(`brAInwav: npm run cluster exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGINT');
      throw new Error(`brAInwav: npm run cluster was not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

function pidsOf(output: string, label: string): Record<string, number> {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(label)) ?? '';
  return Object.fromEntries([...line.matchAll(/([\w-]+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const echoLines = (): number => {
  let total = 0;
  for (let i = 1; i <= 3; i += 1) {
    try {
      const text = readFileSync(join(runDir, `audit-${i}.jsonl`), 'utf8');
      total += text.split('\n').filter((l) => l.includes('"connectorId":"everything"')).length;
    } catch {
      // not written yet
    }
  }
  return total;
};

describe('npm run cluster (HAProxy, 3 connectors replicas, 2 asbr, Redis)', () => {
  let stack: { child: ChildProcess; output: () => string };
  let client: Client;
  let pids: Record<string, number>;
  let upstream: EverythingServer;
  let dir: string;
  let LB: string;

  beforeAll(async () => {
    upstream = await startEverythingServer();
    dir = mkdtempSync(join(tmpdir(), 'brainwav-cluster-test-'));
    const manifestPath = join(dir, 'manifest.json');
    writeFileSync(
      manifestPath,
      JSON.stringify({
        id: 'cluster-test',
        manifestVersion: 'v1',
        brand: 'brAInwav',
        ttlSeconds: 300,
        connectors: [
          connector('everything', upstream.url, { quotas: { perMinute: 100_000, perHour: 1_000_000 } }),
          // the same upstream under a tight quota: 100/min must hold exactly across the 3 replicas
          connector('limited', upstream.url, { quotas: { perMinute: 100, perHour: 10_000 } }),
        ],
      }),
    );
    const port = await freePort();
    LB = `http://127.0.0.1:${port}`;
    stack = await startCluster({
      ...KEYS,
      CONNECTORS_MANIFEST_PATH: manifestPath,
      CLUSTER_PORT: String(port),
      CLUSTER_ASBR_PORT: String(await freePort()),
      CLUSTER_RUN_DIR: runDir,
    });
    pids = { ...pidsOf(stack.output(), 'replicas'), ...pidsOf(stack.output(), 'others') };
    client = new Client({ name: 'brainwav-cluster-e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${LB}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${KEYS.MCP_API_KEY}` } },
      }),
    );
  }, 240_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    if (stack) await stop(stack.child);
    await upstream?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  });

  it('prints the load balancer MCP URL and every replica', () => {
    expect(stack.output()).toContain(`${LB}/mcp`);
    expect(Object.keys(pids)).toEqual(
      expect.arrayContaining([
        'asbr-1',
        'asbr-2',
        'connectors-1',
        'connectors-2',
        'connectors-3',
        'haproxy',
        'redis',
      ]),
    );
  });

  it('a quota of 100/min admits exactly 100 of 150 concurrent REST calls spread by HAProxy over the replicas', async () => {
    // stay clear of a minute boundary (the window would reset mid-burst)
    while (new Date().getSeconds() > 45) await new Promise((r) => setTimeout(r, 500));
    const call = async (i: number): Promise<string> => {
      const res = await fetch(`${LB}/v1/connectors/limited/tools/echo/call`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.CONNECTORS_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ arguments: { message: `quota ${i}` } }),
      });
      const body = (await res.json()) as { isError?: boolean; _meta?: Record<string, { code?: string }> };
      return body.isError ? (body._meta?.['io.brainwav/error']?.code ?? `error ${res.status}`) : 'ok';
    };
    const outcomes = await Promise.all(Array.from({ length: 150 }, (_, i) => call(i)));
    const tally = outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
    expect(tally).toEqual({ ok: 100, QUOTA_EXCEEDED: 50 });
  }, 60_000);

  it('1,000 calls on one session survive killing a replica: none lost, none run twice beyond the retries', async () => {
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('everything__echo');
    let retries = 0;
    const before = echoLines();
    for (let i = 0; i < CALLS; i += 1) {
      if (i === 300) process.kill(pids['connectors-2']!, 'SIGKILL');
      for (let attempt = 0; ; attempt += 1) {
        try {
          const result = await client.callTool({
            name: 'everything__echo',
            arguments: { message: `cluster-e2e ${i}` },
          });
          expect(result.content).toEqual([{ type: 'text', text: `Echo: cluster-e2e ${i}` }]);
          break;
        } catch (error) {
          retries += 1;
          if (attempt >= 3) throw error;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }
    // the killed replica came back (the cluster restarts replicas) and HAProxy serves through it again
    await expect
      .poll(() => /restarted connectors-2 \(pid (\d+)\)/.test(stack.output()), { timeout: 20_000 })
      .toBe(true);
    await new Promise((r) => setTimeout(r, 1_000)); // audit lines are written off the request path
    const ran = echoLines() - before;
    expect(ran).toBeGreaterThanOrEqual(CALLS - retries); // a call on the killed replica may not have been audited
    expect(ran).toBeLessThanOrEqual(CALLS + retries);
    expect(retries).toBeLessThan(20);
    // the session continues
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  }, 240_000);

  it('Ctrl-C stops every process of the cluster', async () => {
    const restarted = /restarted connectors-2 \(pid (\d+)\)/.exec(stack.output());
    const all = [...Object.values(pids), ...(restarted ? [Number(restarted[1])] : [])];
    await client.close();
    await stop(stack.child);
    for (const pid of all) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 60_000);
});
