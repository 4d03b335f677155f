#!/usr/bin/env node
// `npm run cluster`: the stack of `npm start` as a local cluster: Redis, 2 asbr and 3 connectors-server replicas
// behind Debian's HAProxy (round-robin, no stickiness, health checks on /readyz), with the demo upstreams. Same
// environment as npm start (env wins over .env.local); prints the load balancer's MCP URL; Ctrl-C stops all.
// Variables: CLUSTER_PORT (connectors load balancer, default 7171), CLUSTER_ASBR_PORT (asbr load balancer, 7170),
// CLUSTER_REPLICAS (3), CLUSTER_ASBR_REPLICAS (2), REDIS_URL (default: a private redis-server, no persistence,
// restarted like a replica when it dies), CLUSTER_RUN_DIR (logs and audit files, default tmp/cluster),
// CLUSTER_REPLICA_<n>_<NAME>=value (NAME=value for connectors replica n only, e.g. a canary setting).
// Flags: --skip-install, --skip-build.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installAndBuild } from './lib/pnpm.mjs';
import {
  httpOk,
  mcpAnswers,
  redisAnswers,
  startNode,
  startProcess,
  processGroup,
  freePort,
  waitUntil,
} from './stack/children.mjs';
import { loadDevEnv } from './stack/env.mjs';
import { haproxyConfig, haproxyServers } from './stack/haproxy.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = new Set(process.argv.slice(2));
const step = (text) => console.log(`\nbrAInwav cluster ▸ ${text}`);
const DEFAULT_MANIFEST = resolve(root, 'config/connectors.manifest.json');

installAndBuild(args, step);

const { env: merged, generated } = loadDevEnv(resolve(root, '.env.local'), process.env, [
  'CONNECTORS_SESSION_KEYS',
]);
step(
  `dev keys from .env.local${generated.length ? ` (generated ${generated.join(', ')})` : ''}; env variables win`,
);

const count = (name, fallback) => {
  const value = Number(merged[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 9) {
    console.error(`brAInwav cluster ▸ ${name} must be an integer from 1 to 9`);
    process.exit(78);
  }
  return value;
};
const replicas = count('CLUSTER_REPLICAS', 3);
const asbrReplicas = count('CLUSTER_ASBR_REPLICAS', 2);
const lbPort = Number(merged.CLUSTER_PORT ?? 7171);
const asbrLbPort = Number(merged.CLUSTER_ASBR_PORT ?? 7170);
const manifestPath = resolve(root, merged.CONNECTORS_MANIFEST_PATH ?? DEFAULT_MANIFEST);
const demo = manifestPath === DEFAULT_MANIFEST;
const runDir = resolve(root, merged.CLUSTER_RUN_DIR ?? 'tmp/cluster');
rmSync(runDir, { recursive: true, force: true });
mkdirSync(runDir, { recursive: true });
const lbUrl = `http://127.0.0.1:${lbPort}`;
// HAProxy's runtime API (drain or disable a replica); a unix socket path has at most 107 bytes
const adminSocket = resolve(runDir, 'haproxy.sock');
const withAdmin = Buffer.byteLength(adminSocket) <= 100;
/** NAME=value of `CLUSTER_REPLICA_<n>_<NAME>` variables, for connectors replica n only. */
const replicaEnv = (n) =>
  Object.fromEntries(
    Object.entries(merged).flatMap(([k, v]) => {
      const m = /^CLUSTER_REPLICA_(\d)_([A-Za-z_][A-Za-z0-9_]*)$/.exec(k);
      return m && Number(m[1]) === n ? [[m[2], v]] : [];
    }),
  );
const asbrLbUrl = `http://127.0.0.1:${asbrLbPort}`;

let ready = false;
let ports = '';
let redisShown = '';
/** `url` without its password (a REDIS_URL may carry one). */
const redactedUrl = (url) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.href;
};
const { procs, stopAll, stopping } = processGroup(step);

/**
 * Registers a started process: an exit before the cluster is ready aborts it; afterwards it is reported, and a
 * process with a `restart` function (a replica) is started again after a second, under the same name and port.
 */
function track(proc, essential = false, restart = undefined) {
  procs.push(proc);
  proc.child.once('exit', (code, signal) => {
    if (stopping()) return;
    const tail = proc.stderrTail().trim();
    console.error(
      `brAInwav cluster ▸ ${proc.name} (pid ${proc.pid}) exited (${signal ?? code}); log ${proc.logPath}${tail ? `\n${tail}` : ''}`,
    );
    // replicas may come and go behind the load balancer; the balancer, Redis and a not-yet-ready cluster may not
    if (!ready || essential) return void stopAll(1);
    if (!restart) return;
    setTimeout(() => {
      if (stopping()) return;
      procs.splice(procs.indexOf(proc), 1);
      const again = track(restart(), false, restart);
      console.log(`brAInwav cluster ▸ restarted ${again.name} (pid ${again.pid})`);
    }, 1000);
  });
  return proc;
}

const log = (name) => resolve(runDir, `${name}.log`);
const baseEnv = Object.fromEntries(
  ['PATH', 'HOME', 'LANG', 'TMPDIR'].filter((k) => merged[k] !== undefined).map((k) => [k, merged[k]]),
);

try {
  const redisUrl = merged.REDIS_URL ?? `redis://127.0.0.1:${await freePort()}`;
  if (merged.REDIS_URL === undefined) {
    step(`starting redis-server (no persistence) on ${redisUrl}`);
    const port = new URL(redisUrl).port;
    const launchRedis = () =>
      startProcess(
        'redis',
        'redis-server',
        ['--port', port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        baseEnv,
        log('redis'),
      );
    // the replicas run degraded while Redis is away (readyz 200 "degraded", local quota limits), then recover
    const redis = track(launchRedis(), false, launchRedis);
    await waitUntil(redis, () => redisAnswers(Number(port)), 10_000);
  }
  if (demo) {
    step('starting demo upstreams (everything :7101, fixtures :7103)');
    const require = createRequire(resolve(root, 'packages/connectors/package.json'));
    const everythingEntry = require
      .resolve('@modelcontextprotocol/server-everything/package.json')
      .replace(/package\.json$/, 'dist/index.js');
    const everything = track(
      startNode(
        'everything',
        [everythingEntry, 'streamableHttp'],
        { ...baseEnv, PORT: '7101' },
        log('everything'),
      ),
    );
    const fixtures = track(
      startNode(
        'fixtures',
        [resolve(root, 'scripts/stack/fixture-server.mjs')],
        { ...baseEnv, FIXTURE_PORT: '7103', CONNECTOR_FIXTURES_KEY: merged.CONNECTOR_FIXTURES_KEY },
        log('fixtures'),
      ),
    );
    await waitUntil(everything, () => mcpAnswers('http://127.0.0.1:7101/mcp'));
    await waitUntil(fixtures, () =>
      mcpAnswers('http://127.0.0.1:7103/mcp', { 'x-demo-key': merged.CONNECTOR_FIXTURES_KEY }),
    );
  }
  const shared = {
    ...merged,
    NODE_ENV: merged.NODE_ENV ?? 'production',
    CONNECTORS_MANIFEST_PATH: manifestPath,
    CONNECTORS_GATEWAY_URL: merged.CONNECTORS_GATEWAY_URL ?? lbUrl,
    CONNECTORS_PUBLIC_URL: merged.CONNECTORS_PUBLIC_URL ?? lbUrl,
    CONNECTORS_POLICY_FILE: merged.CONNECTORS_POLICY_FILE ?? resolve(root, 'config/policy.yaml'),
    ASBR_URL: merged.ASBR_URL ?? asbrLbUrl,
    // replicas of asbr sign identical bytes for one version (signing epochs), so any of them may answer
    ASBR_DETERMINISTIC_SIGNING: merged.ASBR_DETERMINISTIC_SIGNING ?? 'true',
    REDIS_URL: redisUrl,
  };
  const asbrPorts = [];
  for (let i = 1; i <= asbrReplicas; i += 1) asbrPorts.push(await freePort());
  const connectorsPorts = [];
  for (let i = 1; i <= replicas; i += 1) connectorsPorts.push(await freePort());

  step(`starting ${asbrReplicas} asbr replicas (ports ${asbrPorts.join(', ')})`);
  const asbrs = asbrPorts.map((port, i) =>
    track(
      startNode(
        `asbr-${i + 1}`,
        [resolve(root, 'packages/asbr/dist/main.js')],
        { ...shared, ASBR_PORT: String(port) },
        log(`asbr-${i + 1}`),
      ),
    ),
  );
  await Promise.all(
    asbrs.map((p, i) => waitUntil(p, () => httpOk(`http://127.0.0.1:${asbrPorts[i]}/readyz`))),
  );

  const cfg = resolve(runDir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    haproxyConfig(
      [
        { name: 'asbr', port: asbrLbPort, backends: asbrPorts },
        { name: 'connectors', port: lbPort, backends: connectorsPorts },
      ],
      withAdmin ? { adminSocket } : {},
    ),
  );
  step(`starting HAProxy: asbr on ${asbrLbUrl}, connectors on ${lbUrl} (config ${cfg})`);
  const haproxy = track(
    startProcess('haproxy', 'haproxy', ['-db', '-f', cfg], baseEnv, log('haproxy')),
    true,
  );
  await waitUntil(haproxy, () => httpOk(`${asbrLbUrl}/readyz`), 20_000);

  step(`starting ${replicas} connectors-server replicas (ports ${connectorsPorts.join(', ')})`);
  const servers = connectorsPorts.map((port, i) => {
    const launch = () =>
      startNode(
        `connectors-${i + 1}`,
        [resolve(root, 'packages/connectors/dist/main.js')],
        {
          ...shared,
          CONNECTORS_PORT: String(port),
          CONNECTORS_AUDIT_LOG: resolve(runDir, `audit-${i + 1}.jsonl`),
          // every replica runs its own stdio children, in workspaces of its own
          CONNECTORS_WORKSPACES_DIR: resolve(root, `workspaces/replica-${i + 1}`),
          ...(demo ? { CONNECTOR_MEMORY_FILE: resolve(runDir, `memory-${i + 1}.jsonl`) } : {}),
          ...replicaEnv(i + 1),
        },
        log(`connectors-${i + 1}`),
      );
    return track(launch(), false, launch);
  });
  await Promise.all(
    servers.map((p, i) => waitUntil(p, () => httpOk(`http://127.0.0.1:${connectorsPorts[i]}/readyz`))),
  );
  await waitUntil(haproxy, () => httpOk(`${lbUrl}/readyz`), 20_000);
  if (withAdmin) {
    // ready means every replica is in rotation: HAProxy marks one up after 2 passed checks
    const allUp = async (backend, n) =>
      Object.values(await haproxyServers(adminSocket, backend).catch(() => ({}))).filter((s) => s.op === 2)
        .length === n;
    await waitUntil(haproxy, () => allUp('asbr-replicas', asbrReplicas), 20_000);
    await waitUntil(haproxy, () => allUp('connectors-replicas', replicas), 20_000);
  }
  ports = [
    ...asbrPorts.map((p, i) => `asbr-${i + 1}=${p}`),
    ...connectorsPorts.map((p, i) => `connectors-${i + 1}=${p}`),
  ].join(' ');
  redisShown = redactedUrl(redisUrl);
  ready = true;
} catch (err) {
  if (!stopping()) console.error(err instanceof Error ? err.message : String(err));
  await stopAll(1);
}

console.log(`
brAInwav connectors cluster is ready (logs in ${runDir})

  MCP (load balancer)  ${lbUrl}/mcp   (Streamable HTTP, header Authorization: Bearer <MCP_API_KEY>; no session affinity)
  REST                 ${lbUrl}/v1/connectors
  widget               ${lbUrl}/apps/chatgpt-dashboard/
  asbr (load balancer) ${asbrLbUrl}/v1/connectors/service-map
  replicas             ${procs
    .filter((p) => p.name.startsWith('connectors-') || p.name.startsWith('asbr-'))
    .map((p) => `${p.name}=${p.pid}`)
    .join(' ')}
  others               ${procs
    .filter((p) => !p.name.startsWith('connectors-') && !p.name.startsWith('asbr-'))
    .map((p) => `${p.name}=${p.pid}`)
    .join(' ')}
  ports                ${ports}
  redis                ${redisShown}${withAdmin ? `\n  HAProxy runtime API  ${adminSocket}` : ''}

  Kill a replica (kill <pid>): HAProxy takes it out within ~2 s and the others serve its sessions.
  Drain one first: echo 'set server connectors-replicas/connectors-2 state drain' | socat stdio <runtime API>.
  Ctrl-C stops them all.`);
