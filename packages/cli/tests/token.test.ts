import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSecrets, REPO_ROOT, runChild, runCli, serveJson, startServer, tempDir } from './helpers.js';

/** The real dev authorization server (packages/dev-auth), run from source as its bin runs. */
const DEV_AUTH_MAIN = resolve(REPO_ROOT, 'packages/dev-auth/src/main.ts');
const ADMIN_SECRET = 'cli-token-test-admin-secret-0123456789';
const SUPPORT_SECRET = 'cli-token-test-support-secret-0123456789';
const SECRETS = {
  DEV_AUTH_CLIENT_DEV_ADMIN_SECRET: ADMIN_SECRET,
  DEV_AUTH_CLIENT_DEV_SUPPORT_SECRET: SUPPORT_SECRET,
};

let devAuth: ChildProcess;
let issuer: string;

function startDevAuth(): Promise<string> {
  devAuth = spawn(process.execPath, ['--conditions=@cortex-os/source', '--import', 'tsx', DEV_AUTH_MAIN], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DEV_AUTH_PORT: '0', ...SECRETS },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((ready, failed) => {
    let stdout = '';
    let stderr = '';
    devAuth.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const found = /▸ issuer (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout)?.[1];
      if (found && stdout.includes('▸ clients ')) ready(found);
    });
    devAuth.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    devAuth.once('exit', (code) => failed(new Error(`dev-auth exited ${code}: ${stderr}`)));
  });
}

beforeAll(async () => {
  issuer = await startDevAuth();
});
afterAll(async () => {
  if (devAuth.exitCode !== null) return;
  const exited = new Promise((done) => devAuth.once('exit', done));
  devAuth.kill('SIGTERM');
  await exited;
});

/** The claims of a JWT (no verification: dev-auth's own tests verify signatures). */
function claims(token: string): Record<string, unknown> {
  const [, payload = ''] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('token against the dev authorization server', () => {
  it('prints only the access token: a JWT for the default resource with the client’s roles', async () => {
    const result = await runCli(['token', '--client', 'dev-admin'], {
      env: { OAUTH_ISSUER: issuer, ...SECRETS },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(claims(result.stdout.trim())).toMatchObject({
      iss: issuer,
      sub: 'dev-admin',
      client_id: 'dev-admin',
      aud: 'http://127.0.0.1:7071/mcp',
      roles: ['admin'],
    });
    expectNoSecrets(result, [ADMIN_SECRET]);
  });

  it('reads the secret from .env.local in the cwd; the resource follows CONNECTORS_PUBLIC_URL', async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, '.env.local'), `DEV_AUTH_CLIENT_DEV_SUPPORT_SECRET=${SUPPORT_SECRET}\n`);
      const result = await runCli(['token', '--client', 'dev-support', '--issuer', issuer], {
        cwd: dir.path,
        env: { CONNECTORS_PUBLIC_URL: 'http://localhost:9999/' },
      });
      expect(result.code).toBe(0);
      expect(claims(result.stdout.trim())).toMatchObject({
        sub: 'dev-support',
        aud: 'http://localhost:9999/mcp',
        roles: ['support'],
      });
      expectNoSecrets(result, [SUPPORT_SECRET]);
    } finally {
      await dir.remove();
    }
  });

  it('--json prints the whole token response; --scope and --resource are sent', async () => {
    const resource = 'http://127.0.0.1:7071/mcp/connectors/alpha';
    const result = await runCli(
      [
        'token',
        '--client',
        'dev-admin',
        '--secret',
        ADMIN_SECRET,
        '--scope',
        ' tools:call  mcp:tools ',
        '--resource',
        resource,
        '--json',
      ],
      { env: { OAUTH_ISSUER: issuer } },
    );
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'tools:call mcp:tools' });
    expect(claims(body.access_token as string)).toMatchObject({
      aud: resource,
      scope: 'tools:call mcp:tools',
    });
  });

  it('a wrong secret → exit 1 naming HTTP 401 invalid_client, the secret never printed', async () => {
    const wrong = 'definitely-the-wrong-secret-42';
    const result = await runCli(['token', '--client', 'dev-admin', '--secret', wrong], {
      env: { OAUTH_ISSUER: issuer },
    });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `brAInwav: token: ${issuer} refused the client credentials grant for dev-admin: HTTP 401 invalid_client (client authentication failed)\n`,
    });
    expectNoSecrets(result, [wrong]);
  });

  it('a resource dev-auth does not accept → exit 1 with invalid_target', async () => {
    const result = await runCli(
      ['token', '--client', 'dev-admin', '--resource', 'https://evil.example.com/mcp'],
      {
        env: { OAUTH_ISSUER: issuer, ...SECRETS },
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^brAInwav: token: .* refused the client credentials grant for dev-admin: HTTP 400 invalid_target \(resource https:\/\/evil\.example\.com\/mcp is neither/,
    );
  });

  it('works through the real bin, so $(cortex-connectors token --client dev-admin) is the bare token', async () => {
    const result = await runChild(['token', '--client', 'dev-admin'], { OAUTH_ISSUER: issuer, ...SECRETS });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('.')).toHaveLength(3);
    expect(result.stdout.endsWith('\n')).toBe(true);
    expect(claims(result.stdout.trim()).roles).toEqual(['admin']);
  });
});

describe('token errors', () => {
  it('no secret anywhere → exit 1 naming the variable', async () => {
    const dir = await tempDir();
    try {
      const result = await runCli(['token', '--client', 'dev-admin'], {
        cwd: dir.path,
        env: { OAUTH_ISSUER: issuer },
      });
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'brAInwav: token: no client secret for dev-admin: pass --secret, set DEV_AUTH_CLIENT_DEV_ADMIN_SECRET, or let npm start generate it into .env.local\n',
      });
    } finally {
      await dir.remove();
    }
  });

  it('missing --client → usage error 64 with the token usage', async () => {
    const result = await runCli(['token']);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(
      /^brAInwav: token: missing --client\n\nUsage: cortex-connectors token --client <id>/,
    );
  });

  it('an --issuer that is not an http(s) URL → usage error 64', async () => {
    const result = await runCli([
      'token',
      '--client',
      'dev-admin',
      '--secret',
      ADMIN_SECRET,
      '--issuer',
      'ftp://x',
    ]);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(
      /^brAInwav: token: --issuer must be an absolute http\(s\) URL without query or fragment\n\nUsage: /,
    );
  });

  it('an unreachable issuer → exit 1 could not reach', async () => {
    const closed = await startServer(serveJson('{}'));
    const url = new URL(closed.url).origin;
    await closed.close();
    const result = await runCli([
      'token',
      '--client',
      'dev-admin',
      '--secret',
      ADMIN_SECRET,
      '--issuer',
      url,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `brAInwav: token: could not reach ${url}/.well-known/oauth-authorization-server (ECONNREFUSED)\n`,
    );
  });

  it('falls back to OpenID discovery, and refuses metadata naming another issuer', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            issuer: 'http://attacker.example',
            token_endpoint: 'http://attacker.example/token',
          }),
        );
        return;
      }
      res.writeHead(404).end();
    });
    try {
      const url = new URL(server.url).origin;
      const result = await runCli([
        'token',
        '--client',
        'dev-admin',
        '--secret',
        ADMIN_SECRET,
        '--issuer',
        url,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `brAInwav: token: the metadata at ${url}/.well-known/openid-configuration names issuer "http://attacker.example", not ${url}\n`,
      );
      expect(server.requests.map((r) => r.url)).toEqual([
        '/.well-known/oauth-authorization-server',
        '/.well-known/openid-configuration',
      ]);
    } finally {
      await server.close();
    }
  });

  it('client_secret_post when the server does not offer client_secret_basic', async () => {
    let form = '';
    let authorization: string | undefined;
    const server = await startServer((req, res) => {
      const origin = `http://${req.headers.host}`;
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            issuer: origin,
            token_endpoint: `${origin}/token`,
            token_endpoint_auth_methods_supported: ['client_secret_post'],
          }),
        );
        return;
      }
      authorization = req.headers.authorization;
      req.on('data', (chunk: Buffer) => (form += chunk.toString('utf8')));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'opaque-token', token_type: 'Bearer' }));
      });
    });
    try {
      const url = new URL(server.url).origin;
      const result = await runCli([
        'token',
        '--client',
        'svc',
        '--secret',
        'post-secret-0123456789',
        '--issuer',
        url,
      ]);
      expect(result).toEqual({ code: 0, stdout: 'opaque-token\n', stderr: '' });
      expect(authorization).toBeUndefined();
      expect(Object.fromEntries(new URLSearchParams(form))).toEqual({
        grant_type: 'client_credentials',
        resource: 'http://127.0.0.1:7071/mcp',
        client_id: 'svc',
        client_secret: 'post-secret-0123456789',
      });
    } finally {
      await server.close();
    }
  });
});
