// The stack of the chaos suite, started the way `npm start` starts it: every part its own Node process from the
// built dist/ (asbr, the connectors server, server-everything in streamableHttp mode, our fixture servers and a
// hostile upstream), loopback only, free ports, keys generated in memory, logs under the run directory.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { freePort, httpOk, mcpAnswers, startNode, stopChild, waitUntil } from '../stack/children.mjs';

const key = () => randomBytes(24).toString('base64url');

export { freePort };

function connector(id, port, extra = {}) {
  return {
    id,
    version: '1.0.0',
    displayName: `Chaos ${id}`,
    endpoint: `http://127.0.0.1:${port}/mcp`,
    transport: 'streamable-http',
    auth: { type: 'none' },
    scopes: ['tools:call'],
    ttlSeconds: 300,
    quotas: { perMinute: 1_000_000, perHour: 10_000_000 },
    enabled: true,
    metadata: { brand: 'brAInwav', chaos: true },
    ...extra,
  };
}

/** The chaos manifest (valid): everything, fixtures, victim (killed and restarted) and hostile. */
export function manifestOf(ports, version = '1') {
  const fixtureAuth = {
    type: 'apiKey',
    headerName: 'X-Demo-Key',
    secretRef: 'env:CONNECTOR_CHAOS_FIXTURE_KEY',
  };
  return {
    id: 'brainwav-chaos',
    manifestVersion: `chaos.${version}`,
    brand: 'brAInwav',
    ttlSeconds: 300,
    connectors: [
      connector('everything', ports.everything),
      connector('fixtures', ports.fixtures, { auth: fixtureAuth }),
      connector('victim', ports.victim, { auth: fixtureAuth }),
      connector('hostile', ports.hostile),
    ],
  };
}

/**
 * The chaos policy: the MCP key's principal (role `mcp`) and the REST key's (role `rest`) may list and call every
 * tool; `deny` adds a rule denying `victim`'s tools (so a reload that took effect is visible in calls).
 */
export function policyOf({ deny = false } = {}) {
  const rules = ['  - id: chaos-mcp-all', '    effect: allow', '    roles: [mcp, rest]'];
  if (deny)
    rules.push(
      '  - id: chaos-deny-victim',
      '    effect: deny',
      '    connectors: [victim]',
      '    phase: call',
    );
  return `# brAInwav chaos policy\nversion: 1\nrules:\n${rules.join('\n')}\n`;
}

/**
 * Starts the stack; `settings` = { runDir, probeIntervalMs, breakerResetMs, headersTimeoutMs, requestTimeoutMs }.
 * Returns { base, asbrUrl, keys, ports, manifestPath, policyPath, procs, pidOf(name), restart(name), kill(name), stop() }.
 */
export async function startStack(root, settings) {
  const { runDir } = settings;
  mkdirSync(runDir, { recursive: true });
  const names = ['everything', 'fixtures', 'victim', 'hostile', 'asbr', 'connectors'];
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()])));
  const keys = { signature: key() + key(), rest: key(), mcp: key(), fixture: key() };
  const manifestPath = resolve(runDir, 'connectors.manifest.json');
  writeFileSync(manifestPath, JSON.stringify(manifestOf(ports), null, 2));
  const policyPath = resolve(runDir, 'policy.yaml');
  writeFileSync(policyPath, policyOf());
  const baseEnv = Object.fromEntries(
    ['PATH', 'HOME', 'LANG', 'TMPDIR']
      .filter((k) => process.env[k] !== undefined)
      .map((k) => [k, process.env[k]]),
  );
  baseEnv.NODE_ENV = 'production';
  const everythingEntry = createRequire(resolve(root, 'packages/connectors/package.json'))
    .resolve('@modelcontextprotocol/server-everything/package.json')
    .replace(/package\.json$/, 'dist/index.js');
  const specs = {
    everything: { args: [everythingEntry, 'streamableHttp'], env: { PORT: String(ports.everything) } },
    fixtures: {
      args: [resolve(root, 'scripts/stack/fixture-server.mjs')],
      env: { FIXTURE_PORT: String(ports.fixtures), CONNECTOR_FIXTURES_KEY: keys.fixture },
    },
    victim: {
      args: [resolve(root, 'scripts/stack/fixture-server.mjs')],
      env: { FIXTURE_PORT: String(ports.victim), CONNECTOR_FIXTURES_KEY: keys.fixture },
    },
    hostile: {
      args: [resolve(root, 'scripts/chaos/hostile-upstream.mjs')],
      env: { HOSTILE_PORT: String(ports.hostile), ...settings.hostileEnv },
    },
    asbr: {
      args: [resolve(root, 'packages/asbr/dist/main.js')],
      env: {
        CONNECTORS_MANIFEST_PATH: manifestPath,
        CONNECTORS_SIGNATURE_KEY: keys.signature,
        CONNECTORS_API_KEY: keys.rest,
        ASBR_PORT: String(ports.asbr),
        HOST: '127.0.0.1',
      },
    },
    connectors: {
      // a bounded old space turns a leak into a crash the scenarios see, and keeps V8 from growing lazily
      args: [
        `--max-old-space-size=${settings.heapCapMiB ?? 192}`,
        resolve(root, 'packages/connectors/dist/main.js'),
      ],
      env: {
        ASBR_URL: `http://127.0.0.1:${ports.asbr}`,
        CONNECTORS_PORT: String(ports.connectors),
        HOST: '127.0.0.1',
        CONNECTORS_SIGNATURE_KEY: keys.signature,
        CONNECTORS_API_KEY: keys.rest,
        MCP_API_KEY: keys.mcp,
        CONNECTORS_POLICY_FILE: policyPath,
        CONNECTOR_CHAOS_FIXTURE_KEY: keys.fixture,
        CONNECTORS_AUDIT_LOG: resolve(runDir, 'audit.jsonl'),
        CONNECTORS_PROBE_INTERVAL_MS: String(settings.probeIntervalMs),
        CONNECTORS_BREAKER_RESET_MS: String(settings.breakerResetMs),
        CONNECTORS_REFRESH_INTERVAL_MS: String(settings.refreshIntervalMs),
        CONNECTORS_HEADERS_TIMEOUT_MS: String(settings.headersTimeoutMs),
        CONNECTORS_REQUEST_TIMEOUT_MS: String(settings.requestTimeoutMs),
        CONNECTORS_SHUTDOWN_TIMEOUT_MS: '2000',
      },
    },
  };
  const procs = new Map();
  const spawnPart = (name) => {
    const spec = specs[name];
    const proc = startNode(name, spec.args, { ...baseEnv, ...spec.env }, resolve(runDir, `${name}.log`));
    procs.set(name, proc);
    return proc;
  };
  const base = `http://127.0.0.1:${ports.connectors}`;
  const asbrUrl = `http://127.0.0.1:${ports.asbr}`;
  const ready = {
    everything: () => mcpAnswers(`http://127.0.0.1:${ports.everything}/mcp`),
    fixtures: () => mcpAnswers(`http://127.0.0.1:${ports.fixtures}/mcp`, { 'x-demo-key': keys.fixture }),
    victim: () => mcpAnswers(`http://127.0.0.1:${ports.victim}/mcp`, { 'x-demo-key': keys.fixture }),
    hostile: () => mcpAnswers(`http://127.0.0.1:${ports.hostile}/mcp`),
    asbr: () => httpOk(`${asbrUrl}/readyz`),
    connectors: () => httpOk(`${base}/readyz`),
  };
  const stop = async () => {
    for (const name of [...procs.keys()].reverse()) await stopChild(procs.get(name), 3000);
  };
  try {
    const upstreams = ['everything', 'fixtures', 'victim', 'hostile'];
    await Promise.all(upstreams.map((n) => waitUntil(spawnPart(n), ready[n], 60_000)));
    await waitUntil(spawnPart('asbr'), ready.asbr, 30_000);
    await waitUntil(spawnPart('connectors'), ready.connectors, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    base,
    asbrUrl,
    keys,
    ports,
    manifestPath,
    policyPath,
    pidOf: (name) => procs.get(name)?.pid,
    /** SIGKILLs a part by pid and waits until it exited. */
    kill: async (name) => {
      const { child, pid } = procs.get(name);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(pid, 'SIGKILL');
      await exited;
    },
    /** Starts a part again (same port) and waits until it answers. */
    restart: async (name) => waitUntil(spawnPart(name), ready[name], 30_000),
    stop,
  };
}
