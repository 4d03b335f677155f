import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { testJwks } from './helpers.js';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(PACKAGE_DIR, '../..');
const MAIN = ['--conditions=@cortex-os/source', '--import', 'tsx', join(PACKAGE_DIR, 'src/main.ts')];
const SECRETS = {
  DEV_AUTH_CLIENT_DEV_ADMIN_SECRET: 'main-test-admin-secret-0123456789',
  DEV_AUTH_CLIENT_DEV_SUPPORT_SECRET: 'main-test-support-secret-0123456789',
};

function childEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

/** Runs the bin to completion (it must exit by itself: a startup failure). */
function runMain(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      MAIN,
      { cwd: ROOT, env: childEnv(env), timeout: 60_000 },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

let running: ChildProcess | undefined;
afterEach(async () => {
  const child = running;
  running = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
});

/** Starts the bin and resolves with its stdout once the clients line was printed. */
function startMain(env: Record<string, string>): Promise<{ child: ChildProcess; stdout: string }> {
  const child = spawn(process.execPath, MAIN, {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  return new Promise((ready, failed) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('▸ clients ')) ready({ child, stdout });
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => failed(new Error(`dev-auth exited ${code}: ${stderr}`)));
  });
}

describe('cortex-dev-auth bin', () => {
  it('prints the issuer and the client ids, serves discovery, defaults the resource to the connectors /mcp', async () => {
    const jwks = JSON.stringify(await testJwks());
    const { child, stdout } = await startMain({ ...SECRETS, DEV_AUTH_PORT: '0', DEV_AUTH_JWKS: jwks });
    const issuer = /brAInwav dev-auth ▸ issuer (http:\/\/127\.0\.0\.1:\d+) \(DEVELOPMENT ONLY/.exec(
      stdout,
    )?.[1];
    expect(issuer).toBeDefined();
    expect(stdout).toContain(
      `brAInwav dev-auth ▸ clients dev-admin, dev-support, dev-inspector; users alice, bob; dynamic registration open; config ${join(ROOT, 'config/dev-auth.json')}`,
    );
    expect(stdout).not.toContain('ephemeral');
    expect(stdout).not.toContain(SECRETS.DEV_AUTH_CLIENT_DEV_ADMIN_SECRET);
    const meta = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      string
    >;
    expect(meta.issuer).toBe(issuer);
    const basic = Buffer.from(`dev-admin:${SECRETS.DEV_AUTH_CLIENT_DEV_ADMIN_SECRET}`).toString('base64');
    const response = await fetch(meta.token_endpoint!, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=mcp:tools',
    });
    expect(response.status).toBe(200);
    const token = ((await response.json()) as { access_token: string }).access_token;
    expect(decodeJwt(token)).toMatchObject({
      aud: 'http://127.0.0.1:7071/mcp',
      roles: ['admin'],
      iss: issuer,
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('without DEV_AUTH_JWKS signs with an ephemeral key and says so', async () => {
    const { stdout } = await startMain({ ...SECRETS, DEV_AUTH_PORT: '0' });
    expect(stdout).toContain(
      'brAInwav dev-auth ▸ DEV_AUTH_JWKS is not set: an ephemeral key signs tokens (gone on restart)',
    );
  });

  it('an unset client secret → exit 78 naming the variable', async () => {
    const result = await runMain({
      DEV_AUTH_PORT: '0',
      DEV_AUTH_CLIENT_DEV_ADMIN_SECRET: SECRETS.DEV_AUTH_CLIENT_DEV_ADMIN_SECRET,
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      'brAInwav: dev-auth config ' +
        join(ROOT, 'config/dev-auth.json') +
        ' is invalid: clients[1].client_secret_ref: DEV_AUTH_CLIENT_DEV_SUPPORT_SECRET is not set',
    );
    expect(result.stderr).toContain('[DEV_AUTH_CONFIG_INVALID]');
    expect(result.stderr).not.toContain(SECRETS.DEV_AUTH_CLIENT_DEV_ADMIN_SECRET);
  });

  it('a missing config file → exit 78', async () => {
    const result = await runMain({ ...SECRETS, DEV_AUTH_CONFIG: 'config/nope.json' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      `brAInwav: dev-auth config ${join(ROOT, 'config/nope.json')} cannot be read (ENOENT) [DEV_AUTH_CONFIG_NOT_FOUND]`,
    );
  });

  it('a non-loopback DEV_AUTH_HOST → exit 78', async () => {
    const result = await runMain({ ...SECRETS, DEV_AUTH_PORT: '0', DEV_AUTH_HOST: '0.0.0.0' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      'brAInwav: dev-auth refuses to listen on the non-loopback host 0.0.0.0: it logs anyone in without a password (development only); set DEV_AUTH_ALLOW_REMOTE=true to override [DEV_AUTH_REMOTE_REFUSED]',
    );
  });

  it('a bad DEV_AUTH_PORT → exit 78 naming the variable', async () => {
    const result = await runMain({ ...SECRETS, DEV_AUTH_PORT: 'seven' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      'brAInwav: DEV_AUTH_PORT must be an integer 0-65535 [DEV_AUTH_CONFIG_INVALID]',
    );
  });
});
