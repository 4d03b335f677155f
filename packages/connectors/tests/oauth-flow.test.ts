import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type OAuthClientProvider,
} from '@modelcontextprotocol/client';
import { initializeRequest, startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { generateDevAuthJwks, startDevAuthServer, type DevAuthServer } from '@cortex-os/dev-auth';
import { followDevAuthorization } from '@cortex-os/dev-auth/testing';
import { connector, controlledSource, removeDir, signedMapText, startApp, testEnv } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const OPS_SECRET = 'ops-client-secret-0123456789abcdef';
const POLICY = `version: 1
rules:
  - id: admins-everything
    effect: allow
    roles: [admin]
  - id: support-echo-only
    effect: allow
    roles: [support]
    connectors: [fixtures]
    tools: [echo]
  - id: support-no-secret-echo
    effect: deny
    phase: call
    roles: [support]
    tools: [echo]
    when: has(args.text) && args.text.startsWith("secret")
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The stock SDK client provider, kept in memory: registers itself (DCR), PKCE, tokens. */
class MemoryProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  private info: Awaited<ReturnType<OAuthClientProvider['clientInformation']>>;
  private saved: Awaited<ReturnType<OAuthClientProvider['tokens']>>;
  private verifier = '';
  private discovery: Parameters<NonNullable<OAuthClientProvider['saveDiscoveryState']>>[0] | undefined;

  constructor(private readonly scope: string) {}

  get redirectUrl(): string {
    return REDIRECT;
  }
  get clientMetadata() {
    return {
      client_name: 'brAInwav OAuth flow test',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: this.scope,
    };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: NonNullable<typeof this.info>) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: NonNullable<typeof this.saved>) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(state: Parameters<NonNullable<OAuthClientProvider['saveDiscoveryState']>>[0]) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  get accessToken(): string {
    return (this.saved as { access_token: string }).access_token;
  }
}

describe('OAuth 2.1: the stock SDK client against MCP_AUTH=oauth and the dev authorization server', () => {
  let fixture: FixtureServer;
  let dev: DevAuthServer;
  let app: FastifyInstance;
  let base: string;
  let dir: string;
  const clients: Client[] = [];

  /** 401 → metadata discovery → registration → PKCE authorize (as `user`) → token → connected client. */
  async function signIn(user: string) {
    const provider = new MemoryProvider('mcp:tools tools:call');
    const url = new URL(`${base}/mcp`);
    const first = new Client({ name: 'brainwav-oauth-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(provider.authorizationUrl?.searchParams.get('resource')).toBe(`${base}/mcp`);
    const authorizationUrl = new URL(provider.authorizationUrl!);
    authorizationUrl.searchParams.set('login_hint', user);
    const callback = await followDevAuthorization(authorizationUrl.href, REDIRECT);
    await transport.finishAuth(callback.searchParams);
    const client = new Client({ name: 'brainwav-oauth-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    clients.push(client);
    return { client, provider };
  }

  /** A client-credentials token of the confidential client `ops` (roles admin) for `resource`. */
  async function opsToken(resource: string, scope: string): Promise<string> {
    const res = await fetch(`${dev.url}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`ops:${OPS_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  const post = (path: string, token: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: initializeRequest('brainwav-oauth-test'),
    });

  beforeAll(async () => {
    fixture = await startFixtureServer();
    dev = await startDevAuthServer({
      jwks: await generateDevAuthJwks(),
      users: [
        { sub: 'alice', roles: ['admin'] },
        { sub: 'bob', roles: ['support'] },
      ],
      clients: [
        {
          client_id: 'ops',
          client_secret: OPS_SECRET,
          roles: ['admin'],
          scopes: ['mcp:tools', 'tools:call'],
          grant_types: ['client_credentials'],
        },
      ],
      scopes: ['openid', 'offline_access', 'mcp:tools', 'tools:call'],
    });
    dir = await mkdtemp(join(tmpdir(), 'brainwav-oauth-'));
    await writeFile(join(dir, 'policy.yaml'), POLICY);
    const port = await freePort();
    const env = testEnv({
      MCP_AUTH: 'oauth',
      OAUTH_ISSUER: dev.issuer,
      CONNECTORS_PORT: String(port),
      CONNECTORS_PUBLIC_URL: `http://127.0.0.1:${port}`,
      CONNECTORS_POLICY_FILE: join(dir, 'policy.yaml'),
    });
    const map = await signedMapText([connector('fixtures', fixture.url, { scopes: ['tools:call'] })]);
    app = await startApp(env, controlledSource(map));
    await app.listen({ port, host: '127.0.0.1' });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await app?.close();
    await dev?.close();
    await fixture?.stop();
    if (dir) await removeDir(dir);
  });

  it('answers 401 with the RFC 9728 challenge and serves the protected-resource documents', async () => {
    const res = await fetch(`${base}/mcp`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(
      `resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
    );
    // MCP_AUTH=oauth: the MCP endpoint asks for a token only (REST still takes API keys too)
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'brAInwav: the MCP endpoint requires an OAuth access token (Authorization: Bearer <token>)',
    );
    const rest = (await (await fetch(`${base}/v1/connectors`)).json()) as { error: { message: string } };
    expect(rest.error.message).toBe(
      'brAInwav: this route requires an OAuth access token or an API key (Authorization: Bearer <key> or X-API-Key)',
    );
    const doc = (await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<
      string,
      unknown
    >;
    expect(doc.resource).toBe(`${base}/mcp`);
    expect(doc.authorization_servers).toEqual([dev.issuer]);
    const one = await fetch(`${base}/.well-known/oauth-protected-resource/mcp/connectors/fixtures`);
    expect(((await one.json()) as { resource: string }).resource).toBe(`${base}/mcp/connectors/fixtures`);
    expect((await fetch(`${base}/.well-known/oauth-protected-resource/mcp/connectors/nope`)).status).toBe(
      404,
    );
  });

  it('runs the whole flow and lists exactly the tools of the role (admin: all, support: echo)', async () => {
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    const all = (await alice.client.listTools()).tools.map((t) => t.name).sort();
    expect(all).toContain('fixtures__add');
    expect(all).toContain('fixtures__echo');
    expect((await bob.client.listTools()).tools.map((t) => t.name)).toEqual(['fixtures__echo']);
    const echoed = await bob.client.callTool({ name: 'fixtures__echo', arguments: { text: 'hello' } });
    expect(echoed.isError).not.toBe(true);
    expect(JSON.stringify(echoed.content)).toContain('hello');
  });

  it('denies by rule: another tool, and an argument condition, with POLICY_DENIED and the rule id', async () => {
    const { client } = await signIn('bob');
    const add = await client.callTool({ name: 'fixtures__add', arguments: { a: 1, b: 2 } });
    expect(add.isError).toBe(true);
    expect(add._meta?.['io.brainwav/error']).toMatchObject({ code: 'POLICY_DENIED' });
    const secret = await client.callTool({ name: 'fixtures__echo', arguments: { text: 'secret plans' } });
    expect(secret.isError).toBe(true);
    const meta = (secret._meta as Record<string, { code: string; ruleId?: string }>)['io.brainwav/error'];
    expect(meta).toMatchObject({ code: 'POLICY_DENIED', ruleId: 'support-no-secret-echo' });
    expect(JSON.stringify(secret.content)).not.toContain('startsWith');
  });

  it('a token without the connector scope sees none of its tools; the passthrough answers 403 insufficient_scope', async () => {
    const client = new Client({ name: 'brainwav-oauth-test', version: '1.0.0' });
    const narrowAggregate = await opsToken(`${base}/mcp`, 'mcp:tools');
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${narrowAggregate}` } },
      }),
    );
    clients.push(client);
    expect((await client.listTools()).tools.filter((t) => t.name.startsWith('fixtures__'))).toEqual([]);
    const call = await client.callTool({ name: 'fixtures__echo', arguments: { text: 'x' } });
    expect((call._meta as Record<string, { missingScopes?: string[] }>)['io.brainwav/error']).toMatchObject({
      code: 'POLICY_DENIED',
      missingScopes: ['tools:call'],
    });
    const passthrough = `${base}/mcp/connectors/fixtures`;
    const narrow = await post('/mcp/connectors/fixtures', await opsToken(passthrough, 'mcp:tools'));
    expect(narrow.status).toBe(403);
    expect(narrow.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="tools:call"/);
    const wide = await post('/mcp/connectors/fixtures', await opsToken(passthrough, 'mcp:tools tools:call'));
    expect(wide.status).toBe(200);
    expect(wide.headers.get('mcp-session-id')).toBeTruthy();
  });

  it('refuses a token minted for another resource (aud bound to the canonical URL)', async () => {
    const forAggregate = await opsToken(`${base}/mcp`, 'mcp:tools tools:call');
    expect((await post('/mcp', forAggregate)).status).toBe(200);
    const res = await post('/mcp/connectors/fixtures', forAggregate);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const elsewhere = await opsToken('http://127.0.0.1:1/mcp', 'mcp:tools tools:call');
    expect((await post('/mcp', elsewhere)).status).toBe(401);
  });

  it('binds a session to the principal that opened it: another principal gets 404 for its id', async () => {
    const admin = await post('/mcp', await opsToken(`${base}/mcp`, 'mcp:tools tools:call'));
    const sessionId = admin.headers.get('mcp-session-id')!;
    const { provider } = await signIn('bob');
    const hijack = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${provider.accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(hijack.status).toBe(404);
  });

  it('REST takes tokens for its own resource and applies the policy to its list', async () => {
    const token = await opsToken(`${base}/v1/connectors`, 'mcp:tools tools:call');
    const list = await fetch(`${base}/v1/connectors`, { headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { connectors: { tools: { name: string }[] }[] };
    expect(body.connectors[0]!.tools.map((t) => t.name)).toContain('add');
    const wrongAud = await fetch(`${base}/v1/connectors`, {
      headers: { authorization: `Bearer ${await opsToken(`${base}/mcp`, 'mcp:tools')}` },
    });
    expect(wrongAud.status).toBe(401);
  });

  it('a policy edit while connected changes what the client may call, without a restart', async () => {
    const { client } = await signIn('bob');
    const before = await client.callTool({ name: 'fixtures__echo', arguments: { text: 'one' } });
    expect(before.isError).not.toBe(true);
    await writeFile(join(dir, 'policy.yaml'), POLICY.replace('tools: [echo]\n', 'tools: [add]\n'));
    const health = await app.connectors.policy.reload();
    expect(health.state).toBe('ok');
    const after = await client.callTool({ name: 'fixtures__echo', arguments: { text: 'two' } });
    expect(after._meta?.['io.brainwav/error']).toMatchObject({ code: 'POLICY_DENIED' });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['fixtures__add']);
    await writeFile(join(dir, 'policy.yaml'), POLICY);
    await app.connectors.policy.reload();
  });
});
