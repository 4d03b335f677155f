#!/usr/bin/env node
// `npm start`: install, build, dev keys into .env.local, demo upstreams (unless CONNECTORS_MANIFEST_PATH is
// customized), asbr and the connectors server; waits until all are ready, prints the URLs; Ctrl-C stops all.
// MCP_AUTH=oauth|both also starts the dev authorization server (packages/dev-auth, DEVELOPMENT ONLY) first.
// Flags: --skip-install, --skip-build (for a second start on an already built checkout).
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installAndBuild } from './lib/pnpm.mjs';
import { devAuthSecretNames, loadDevEnv } from './stack/env.mjs';
import { httpOk, mcpAnswers, processGroup, startNode, waitUntil } from './stack/children.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = new Set(process.argv.slice(2));
const step = (text) => console.log(`\nbrAInwav start ▸ ${text}`);
const DEFAULT_MANIFEST = resolve(root, 'config/connectors.manifest.json');

installAndBuild(args, step);

// dev-auth's client secrets (client_secret_ref env:...) are generated like the other dev keys
const devAuthConfig = resolve(root, process.env.DEV_AUTH_CONFIG ?? 'config/dev-auth.json');
const envFile = resolve(root, '.env.local');
const devAuthSecrets = devAuthSecretNames(devAuthConfig);
const { env: merged, generated, created } = loadDevEnv(envFile, process.env, devAuthSecrets);
step(
  `dev keys: ${created ? 'created .env.local' : 'using .env.local'}${generated.length ? ` (generated ${generated.join(', ')})` : ''}; env variables win`,
);

const host = merged.HOST ?? '127.0.0.1';
const asbrPort = Number(merged.ASBR_PORT ?? 7070);
const connectorsPort = Number(merged.CONNECTORS_PORT ?? 7071);
const manifestPath = resolve(root, merged.CONNECTORS_MANIFEST_PATH ?? DEFAULT_MANIFEST);
const demo = manifestPath === DEFAULT_MANIFEST;
const runDir = resolve(root, 'tmp/stack');
mkdirSync(runDir, { recursive: true });
const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
const asbrUrl = `http://${urlHost}:${asbrPort}`;
const base = `http://${urlHost}:${connectorsPort}`;
const publicUrl = merged.CONNECTORS_PUBLIC_URL ?? base;
const workspacesDir = resolve(root, merged.CONNECTORS_WORKSPACES_DIR ?? 'workspaces');
const env = {
  ...merged,
  NODE_ENV: merged.NODE_ENV ?? 'production',
  CONNECTORS_MANIFEST_PATH: manifestPath,
  // stdio connectors are published in the signed map at <gateway>/mcp/connectors/<id>; the gateway runs them
  // from the same manifest, each in workspaces/<id>/
  CONNECTORS_GATEWAY_URL: merged.CONNECTORS_GATEWAY_URL ?? publicUrl,
  CONNECTORS_WORKSPACES_DIR: workspacesDir,
  ...(demo ? { CONNECTOR_MEMORY_FILE: merged.CONNECTOR_MEMORY_FILE ?? resolve(runDir, 'memory.jsonl') } : {}),
  ASBR_URL: merged.ASBR_URL ?? asbrUrl,
  CONNECTORS_AUDIT_LOG: merged.CONNECTORS_AUDIT_LOG ?? resolve(runDir, 'audit.jsonl'),
  // the demo policy: the shared keys see everything, dev-auth's admin everything, support the read-only tools
  CONNECTORS_POLICY_FILE: merged.CONNECTORS_POLICY_FILE ?? resolve(root, 'config/policy.yaml'),
};

// OAuth (MCP_AUTH=oauth|both): the dev authorization server issues the tokens, unless OAUTH_ISSUER names another one.
const mcpAuth = merged.MCP_AUTH ?? 'apiKey';
const devAuthPort = Number(merged.DEV_AUTH_PORT ?? 7072);
const devAuthHost = merged.DEV_AUTH_HOST ?? '127.0.0.1';
const devAuthUrl = `http://${devAuthHost.includes(':') ? `[${devAuthHost}]` : devAuthHost}:${devAuthPort}`;
const devAuthIssuer = (merged.DEV_AUTH_ISSUER ?? devAuthUrl).replace(/\/+$/, '');
const oauth = mcpAuth === 'oauth' || mcpAuth === 'both';
const devAuth = oauth && (merged.OAUTH_ISSUER ?? devAuthIssuer).replace(/\/+$/, '') === devAuthIssuer;
if (oauth) {
  env.OAUTH_ISSUER = merged.OAUTH_ISSUER ?? devAuthIssuer;
  env.CONNECTORS_PUBLIC_URL = publicUrl;
}

const { procs, stopAll, stopping } = processGroup(step);

// Demo upstreams get a minimal environment plus what each needs: never our keys (server-everything has a get-env tool).
const baseEnv = Object.fromEntries(
  ['PATH', 'HOME', 'LANG', 'TMPDIR', 'NODE_ENV'].filter((k) => env[k] !== undefined).map((k) => [k, env[k]]),
);

function start(name, script, extraEnv = {}, inherit = true) {
  const proc = startNode(
    name,
    [resolve(root, script)],
    { ...(inherit ? env : baseEnv), ...extraEnv },
    resolve(runDir, `${name}.log`),
  );
  procs.push(proc);
  proc.child.once('exit', (code, signal) => {
    if (stopping()) return;
    const tail = proc.stderrTail().trim();
    console.error(
      `brAInwav start ▸ ${name} (pid ${proc.pid}) exited (${signal ?? code}); logs: ${proc.logPath}${tail ? `\n${tail}` : ''}`,
    );
    // before the stack is ready any exit aborts the start (e.g. a port taken by another stack); afterwards only
    // the servers' own do (a demo upstream going away is what the gateway's offline handling is for)
    if (!ready || name === 'asbr' || name === 'connectors' || name === 'dev-auth') void stopAll(1);
  });
  return proc;
}

/** Whether something already listens on 127.0.0.1:`port`. */
function portBusy(port) {
  return new Promise((done) => {
    const socket = createConnection({ host: urlHost.replace(/^\[|\]$/g, ''), port });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });
}

/** Refuses to start over another stack: every port this start would bind must be free. */
async function checkPorts() {
  const wanted = [
    ...(demo
      ? [
          ['everything', 7101],
          ['fixtures', 7103],
        ]
      : []),
    ...(devAuth ? [['dev-auth (DEV_AUTH_PORT)', devAuthPort]] : []),
    ['asbr (ASBR_PORT)', asbrPort],
    ['connectors server (CONNECTORS_PORT)', connectorsPort],
  ];
  const busy = [];
  for (const [what, port] of wanted) if (await portBusy(port)) busy.push(`${port} (${what})`);
  if (busy.length === 0) return;
  console.error(
    `brAInwav start ▸ port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} already in use: is another stack running? ` +
      'Stop it, or move the servers with the variables named (the demo upstreams have fixed ports; a custom ' +
      'CONNECTORS_MANIFEST_PATH starts none).',
  );
  process.exit(1);
}
let ready = false;
await checkPorts();

try {
  if (demo) {
    step(
      'starting demo upstream connectors (everything :7101, fixtures :7103; memory and files are stdio, run by the gateway)',
    );
    const require = createRequire(resolve(root, 'packages/connectors/package.json'));
    const everythingEntry = require
      .resolve('@modelcontextprotocol/server-everything/package.json')
      .replace(/package\.json$/, 'dist/index.js');
    const everything = startNode(
      'everything',
      [everythingEntry, 'streamableHttp'],
      { ...baseEnv, PORT: '7101' },
      resolve(runDir, 'everything.log'),
    );
    procs.push(everything);
    const fixtures = start(
      'fixtures',
      'scripts/stack/fixture-server.mjs',
      { FIXTURE_PORT: '7103', CONNECTOR_FIXTURES_KEY: env.CONNECTOR_FIXTURES_KEY },
      false,
    );
    await Promise.all([
      waitUntil(everything, () => mcpAnswers('http://127.0.0.1:7101/mcp')),
      waitUntil(fixtures, () =>
        mcpAnswers('http://127.0.0.1:7103/mcp', { 'x-demo-key': env.CONNECTOR_FIXTURES_KEY }),
      ),
    ]);
  } else {
    step(`custom manifest ${manifestPath}: no demo upstreams started`);
  }
  if (devAuth) {
    step(`starting the dev authorization server (MCP_AUTH=${mcpAuth}; DEVELOPMENT ONLY) on ${devAuthUrl}`);
    const devAuthProc = start('dev-auth', 'packages/dev-auth/dist/main.js', {
      DEV_AUTH_PORT: String(devAuthPort),
      DEV_AUTH_CONFIG: devAuthConfig,
    });
    await waitUntil(devAuthProc, () => httpOk(`${devAuthUrl}/.well-known/oauth-authorization-server`));
    console.log(`  issuer ${devAuthIssuer}`);
  } else if (oauth) {
    step(
      `MCP_AUTH=${mcpAuth} with OAUTH_ISSUER=${env.OAUTH_ISSUER}: the dev authorization server is not started`,
    );
  }
  step(`starting asbr on ${asbrUrl}`);
  const asbr = start('asbr', 'packages/asbr/dist/main.js', { ASBR_PORT: String(asbrPort) });
  await waitUntil(asbr, () => httpOk(`${asbrUrl}/readyz`));
  step(`starting the connectors server on ${base}`);
  const connectors = start('connectors', 'packages/connectors/dist/main.js', {
    CONNECTORS_PORT: String(connectorsPort),
  });
  await waitUntil(connectors, () => httpOk(`${base}/readyz`));
  ready = true;
} catch (err) {
  // a child that exited was already reported (with its log tail) by its exit handler
  if (!stopping()) console.error(err instanceof Error ? err.message : String(err));
  await stopAll(1);
}

const keyNote = merged.NO_AUTH === 'true' ? '' : ' -H "Authorization: Bearer $CONNECTORS_API_KEY"';
const mcpAuthNote = oauth
  ? `OAuth: Authorization: Bearer <token from ${env.OAUTH_ISSUER}>${mcpAuth === 'both' ? ' or <MCP_API_KEY>' : ''}`
  : 'header Authorization: Bearer <MCP_API_KEY>';
// the CLI's defaults are the default ports: name the issuer and the resource when they differ
const tokenTarget =
  devAuthIssuer === 'http://127.0.0.1:7072' && publicUrl === 'http://127.0.0.1:7071'
    ? ''
    : ` --issuer ${devAuthIssuer} --resource ${publicUrl}/mcp`;
const devAuthLines = devAuth
  ? `
  dev-auth (DEV ONLY)  ${devAuthIssuer}            metadata ${devAuthIssuer}/.well-known/oauth-authorization-server
  token:               node packages/cli/dist/bin.js token --client dev-admin --scope "mcp:tools tools:read tools:call"${tokenTarget}   (client credentials, roles admin)`
  : '';
console.log(`
brAInwav connectors stack is ready (keys in .env.local; logs in ${runDir}: LOG_LEVEL=${env.LOG_LEVEL ?? 'info'}, LOG_ACCESS=${env.LOG_ACCESS ?? 'sampled'})

  asbr (signer)        ${asbrUrl}            readyz ${asbrUrl}/readyz
  connectors server    ${base}            readyz ${base}/readyz   metrics ${base}/metrics
  REST                 ${base}/v1/connectors
  SSE                  ${base}/v1/connectors/events
  MCP (Inspector)      ${base}/mcp   (Streamable HTTP, ${mcpAuthNote})
  MCP Apps dashboard   ${base}/mcp   (tool connectors_dashboard, resource ui://connectors/dashboard.html)
  widget               ${base}/apps/chatgpt-dashboard/
  stdio connectors     run by the connectors server from ${manifestPath}, one workspace each in ${workspacesDir}
  policy               ${env.CONNECTORS_POLICY_FILE}   (hot reloaded; check: node packages/cli/dist/bin.js policy check <file>)${devAuthLines}

  map (verifiable):    set -a; . ./.env.local; set +a; curl -s${keyNote} ${base}/v1/connectors/service-map
  inspector:           npx @modelcontextprotocol/inspector   → Streamable HTTP, URL ${base}/mcp

  processes: ${procs.map((p) => `${p.name}=${p.pid}`).join(' ')}
  Ctrl-C stops them all.`);
