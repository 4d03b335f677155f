import { spawn } from 'node:child_process';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp as buildAsbr, loadAsbrConfig } from '@cortex-os/asbr';
import { buildApp as buildConnectors, loadConnectorsConfig } from '@cortex-os/connectors';
import { generateDevAuthJwks, startDevAuthServer, type DevAuthServer } from '@cortex-os/dev-auth';
import { startFixtureServer } from '@cortex-os/mcp-bridge/testing';

/**
 * The official MCP conformance suite (`@modelcontextprotocol/conformance@0.1.16`, through `npx`, nothing added to
 * the lockfile) against the connectors server in `MCP_AUTH=oauth` with the dev authorization server. The suite has
 * no server-side auth scenario (its `auth/*` scenarios test OAuth clients) and its server runner cannot present a
 * token, so a small bearer front adds a dev-auth access token to every request it forwards. Findings and full
 * results: verification/conformance/auth.md.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SUITE = '@modelcontextprotocol/conformance@0.1.16';
const NODE20_SHIM = pathToFileURL(join(root, 'verification/conformance/node20-globsync.mjs')).href;
const SIGNATURE_KEY = 'e2e-signature-key-0123456789-abcdefghijklmnop';
const REST_KEY = 'e2e-rest-key-0123456789abcdef';
const OPS_SECRET = 'ops-client-secret-0123456789abcdef';
const POLICY = 'version: 1\nrules:\n  - id: admins-everything\n    effect: allow\n    roles: [admin]\n';

/** Scenarios that need only the protocol and auth layers of a gateway (no reference tools, prompts or resources). */
const THROUGH_AUTH = [
  'server-initialize',
  'ping',
  'tools-list',
  'resources-list',
  'prompts-list',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
];
const AUTH_FAILURE = /\b401\b|\b403\b|UNAUTHORIZED|INVALID_TOKEN|insufficient_scope|TOO_MANY_AUTH_FAILURES/;

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
  details?: { statusCode?: number; body?: { error?: { code?: string } } };
}

function conformance(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn('npx', ['-y', SUITE, ...args], {
      cwd: tmpdir(),
      env: {
        ...process.env,
        NODE_OPTIONS: `--import ${NODE20_SHIM}`,
        npm_config_update_notifier: 'false',
        npm_config_prefer_offline: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => done({ code, output }));
  });
}

/** Runs `server --url <url> <args>` into a fresh directory; the checks of each scenario, by scenario name. */
async function runServer(url: string, args: string[], scratch: string): Promise<Map<string, Check[]>> {
  const out = await mkdtemp(join(scratch, 'run-'));
  const { output } = await conformance(['server', '--url', url, ...args, '-o', out]);
  const results = new Map<string, Check[]>();
  for (const name of await readdir(out)) {
    const scenario = name.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, '');
    results.set(scenario, JSON.parse(await readFile(join(out, name, 'checks.json'), 'utf8')) as Check[]);
  }
  expect(results.size, output).toBeGreaterThan(0);
  return results;
}

const listen = (server: Server): Promise<number> =>
  new Promise((ready) => server.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port)));

/**
 * A reverse proxy to `port` that sets `Authorization: Bearer <token>` and, like a front with
 * `proxy_set_header Host $proxy_host`, maps its own Host/Origin to the upstream's (any other Host passes as is).
 */
async function bearerFront(port: number, token: string): Promise<{ url: string; close(): Promise<void> }> {
  let self = '';
  const upstream = `127.0.0.1:${port}`;
  const headers = (h: IncomingHttpHeaders): IncomingHttpHeaders => ({
    ...h,
    host: h.host === self ? upstream : h.host,
    ...(h.origin === `http://${self}` ? { origin: `http://${upstream}` } : {}),
    authorization: `Bearer ${token}`,
  });
  const server = createServer((req, res) => {
    const up = request({
      host: '127.0.0.1',
      port,
      path: req.url,
      method: req.method,
      headers: headers(req.headers),
    });
    up.once('response', (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.once('error', () => res.destroy());
    req.pipe(up);
  });
  self = `127.0.0.1:${await listen(server)}`;
  return {
    url: `http://${self}/mcp`,
    close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
  };
}

function connector(endpoint: string): Record<string, unknown> {
  return {
    id: 'fixtures',
    version: '1.0.0',
    displayName: 'Fixture upstream',
    endpoint,
    transport: 'streamable-http',
    auth: { type: 'none' },
    scopes: ['tools:call'],
    quotas: { perMinute: 600, perHour: 10_000 },
    enabled: true,
    metadata: { brand: 'brAInwav' },
  };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((done) => probe.close(done));
  return port;
}

describe('MCP conformance suite 0.1.16 against MCP_AUTH=oauth (dev authorization server)', () => {
  const closers: Array<() => Promise<unknown>> = [];
  let scratch = '';
  let base = '';
  let port = 0;
  let dev: DevAuthServer;
  let listing: { code: number | null; output: string };

  /** A client-credentials access token of `ops` (roles admin) for `resource`. */
  async function token(resource: string): Promise<string> {
    const res = await fetch(`${dev.url}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`ops:${OPS_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource,
        scope: 'mcp:tools tools:call',
      }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  async function front(resource: string): Promise<string> {
    const f = await bearerFront(port, await token(resource));
    closers.push(() => f.close());
    return f.url;
  }

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'brainwav-conformance-'));
    closers.push(() => rm(scratch, { recursive: true, force: true }));
    listing = await conformance(['list']); // the first npx run downloads the suite
    expect(listing.code, listing.output).toBe(0);
    const fixture = await startFixtureServer();
    closers.push(() => fixture.stop());
    dev = await startDevAuthServer({
      jwks: await generateDevAuthJwks(),
      users: [],
      clients: [
        {
          client_id: 'ops',
          client_secret: OPS_SECRET,
          roles: ['admin'],
          scopes: ['mcp:tools', 'tools:call'],
          grant_types: ['client_credentials'],
        },
      ],
      scopes: ['mcp:tools', 'tools:call'],
    });
    closers.push(() => dev.close());
    const manifest = join(scratch, 'connectors.manifest.json');
    const map = { id: 'conformance', manifestVersion: '1', brand: 'brAInwav', ttlSeconds: 300 };
    await writeFile(manifest, JSON.stringify({ ...map, connectors: [connector(fixture.url)] }));
    await writeFile(join(scratch, 'policy.yaml'), POLICY);
    const keys = {
      CONNECTORS_SIGNATURE_KEY: SIGNATURE_KEY,
      CONNECTORS_API_KEY: REST_KEY,
      LOG_LEVEL: 'silent',
    };
    const asbr = await buildAsbr({ config: loadAsbrConfig({ ...keys, CONNECTORS_MANIFEST_PATH: manifest }) });
    closers.push(() => asbr.close());
    const asbrUrl = await asbr.listen({ port: 0, host: '127.0.0.1' });
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = loadConnectorsConfig({
      ...keys,
      ASBR_URL: asbrUrl,
      CONNECTORS_PORT: String(port),
      CONNECTORS_PUBLIC_URL: base,
      MCP_AUTH: 'oauth',
      OAUTH_ISSUER: dev.issuer,
      CONNECTORS_POLICY_FILE: join(scratch, 'policy.yaml'),
      CONNECTORS_SHUTDOWN_TIMEOUT_MS: '2000',
    });
    const server = await buildConnectors({ config });
    closers.push(() => server.close());
    await server.listen({ port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  it('has no server-side auth scenario: every auth/* scenario tests a client', () => {
    const [server = '', client = ''] = listing.output.split(/^Client scenarios.*$/m);
    const names = (text: string) => [...text.matchAll(/^ {2}- (\S+)/gm)].map((m) => m[1]!);
    expect(names(server)).toHaveLength(32);
    expect(names(server).filter((n) => n.startsWith('auth/'))).toEqual([]);
    expect(names(server)).toContain('dns-rebinding-protection');
    expect(names(client).filter((n) => n.startsWith('auth/'))).toHaveLength(22);
  });

  it('the suite cannot present a token: at <base>/mcp its client gets the OAuth 401 on initialize', async () => {
    const results = await runServer(`${base}/mcp`, ['--scenario', 'server-initialize'], scratch);
    const [check] = results.get('server-initialize')!;
    expect(check!.status).toBe('FAILURE');
    expect(check!.errorMessage).toContain('"code":"UNAUTHORIZED"');
  });

  it('with a dev-auth token for <base>/mcp, the protocol scenarios pass through the OAuth layer', async () => {
    const results = await runServer(await front(`${base}/mcp`), ['--suite', 'all'], scratch);
    expect(results.size).toBe(32);
    for (const scenario of THROUGH_AUTH) {
      const checks = results.get(scenario)!;
      expect(
        checks.filter((c) => c.status === 'FAILURE'),
        scenario,
      ).toEqual([]);
      expect(
        checks.some((c) => c.status === 'SUCCESS'),
        scenario,
      ).toBe(true);
    }
    // what still fails needs the suite's reference server (its tools, prompts, resources, logging): never auth
    const authFailures = [...results.values()]
      .flat()
      .filter((c) => c.status === 'FAILURE' && AUTH_FAILURE.test(c.errorMessage ?? ''));
    expect(authFailures).toEqual([]);
    const rebinding = new Map(results.get('dns-rebinding-protection')!.map((c) => [c.id, c.details]));
    // the DNS-rebinding guard answers before the token is looked at
    expect(rebinding.get('localhost-host-rebinding-rejected')).toMatchObject({
      statusCode: 403,
      body: { error: { code: 'HOST_NOT_ALLOWED' } },
    });
    expect(rebinding.get('localhost-host-valid-accepted')).toMatchObject({ statusCode: 200 });
  });

  it('a token minted for another resource is refused: initialize fails with invalid_token', async () => {
    const url = await front(`${base}/mcp/connectors/fixtures`);
    const [check] = (await runServer(url, ['--scenario', 'server-initialize'], scratch)).get(
      'server-initialize',
    )!;
    expect(check!.status).toBe('FAILURE');
    expect(check!.errorMessage).toContain('"code":"INVALID_TOKEN"');
    expect(check!.errorMessage).toContain('token was not issued for this resource');
  });
});
