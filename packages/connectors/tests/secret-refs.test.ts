import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '@cortex-os/connectors-manifest';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { configSecrets, loadConnectorsConfig, type ConfigError, type ConnectorsEnv } from '../src/index.js';
import {
  API_KEY,
  MCP_KEY,
  SIGNATURE_KEY,
  connector,
  controlledSource,
  rest,
  signedMapText,
  startApp,
  testEnv,
} from './helpers.js';

const UPSTREAM_TOKEN = 'upstream-search-token-0123456789';
const ENV_NAMES = ['MCP_API_KEY', 'CONNECTOR_SEARCH_TOKEN', 'CONNECTOR_COPY_OF_REST_KEY'] as const;

type Status = { id: string; availability: string; lastError: { code: string; message: string } | null };

describe('secretRef policy in the connectors server', () => {
  let fixture: FixtureServer;
  let app: FastifyInstance;
  let secretDir: string;

  beforeAll(async () => {
    // what a deployed server has in its environment: its own keys, and the connectors' tokens
    process.env.MCP_API_KEY = MCP_KEY;
    process.env.CONNECTOR_SEARCH_TOKEN = UPSTREAM_TOKEN;
    process.env.CONNECTOR_COPY_OF_REST_KEY = API_KEY;
    secretDir = mkdtempSync(join(tmpdir(), 'brainwav-secret-dir-'));
    writeFileSync(join(secretDir, 'outside'), 'x');
    fixture = await startFixtureServer();
    const map = await signedMapText([
      connector('search', fixture.url, { auth: { type: 'bearer', secretRef: 'env:MCP_API_KEY' } }),
      connector('copy', fixture.url, {
        auth: { type: 'bearer', secretRef: 'env:CONNECTOR_COPY_OF_REST_KEY' },
      }),
      connector('allowed', fixture.url, {
        auth: { type: 'bearer', secretRef: 'env:CONNECTOR_SEARCH_TOKEN' },
      }),
      connector('etc', fixture.url, {
        auth: { type: 'bearer', secretRef: `file:${secretDir}/../etc-passwd` },
      }),
    ]);
    app = await startApp(testEnv({ CONNECTORS_SECRET_DIR: secretDir }), controlledSource(map));
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.stop();
    for (const name of ENV_NAMES) delete process.env[name];
    rmSync(secretDir, { recursive: true, force: true });
  });

  async function call(id: string): Promise<{ statusCode: number; body: string }> {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/connectors/${id}/tools/echo/call`,
      headers: rest,
      payload: { arguments: { text: `via ${id}` } },
    });
    return { statusCode: res.statusCode, body: res.body };
  }

  it('never sends the gateway key to an endpoint a signed map names; the connector fails with the branded reason', async () => {
    const refused = await call('search');
    expect(JSON.parse(refused.body).content[0].text).toContain(
      'connector "search": secretRef env:MCP_API_KEY is not allowed (CONNECTORS_SECRET_REFS)',
    );
    const allowed = await call('allowed');
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain('via allowed');

    const seen = JSON.stringify(fixture.headersSeen);
    expect(fixture.headersSeen.some((h) => h.authorization === `Bearer ${UPSTREAM_TOKEN}`)).toBe(true);
    expect(seen).not.toContain(MCP_KEY);
    expect(fixture.requests.every((r) => !JSON.stringify(r).includes(MCP_KEY))).toBe(true);

    const list = await app.inject({ method: 'GET', url: '/v1/connectors', headers: rest });
    const byId = new Map((list.json().connectors as Status[]).map((c) => [c.id, c]));
    expect(byId.get('search')?.lastError).toMatchObject({
      code: 'SECRET_REF_NOT_ALLOWED',
      message:
        'brAInwav: connector "search": secretRef env:MCP_API_KEY is not allowed (CONNECTORS_SECRET_REFS)',
    });
    expect(byId.get('search')?.availability).not.toBe('online');
    expect(byId.get('allowed')).toMatchObject({ availability: 'online', lastError: null });
    expect(list.body + refused.body).not.toContain(MCP_KEY);
  });

  it('refuses an allowed name whose value is one of the server keys, and a file ref escaping the secret dir', async () => {
    for (const id of ['copy', 'etc']) {
      const res = await call(id);
      expect(JSON.parse(res.body).content[0].text).toMatch(
        new RegExp(`connector "${id}": secretRef \\S+ is not allowed \\(`),
      );
      expect(res.body).not.toContain(API_KEY);
    }
    expect(JSON.stringify(fixture.headersSeen)).not.toContain(API_KEY);
    const list = await app.inject({ method: 'GET', url: '/v1/connectors', headers: rest });
    const errors = (list.json().connectors as Status[]).map((c) => [c.id, c.lastError?.code ?? null]);
    expect(errors).toEqual(
      expect.arrayContaining([
        ['copy', 'SECRET_REF_NOT_ALLOWED'],
        ['etc', 'SECRET_REF_NOT_ALLOWED'],
        ['allowed', null],
      ]),
    );
  });
});

function configError(env: ConnectorsEnv): ConfigError {
  try {
    loadConnectorsConfig(env);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('secretRef and key configuration', () => {
  it('reads CONNECTORS_SECRET_REFS / CONNECTORS_SECRET_DIR and names the variable of a bad one', () => {
    expect(loadConnectorsConfig(testEnv()).secretRefs).toEqual({
      allow: ['env:CONNECTOR_*'],
      secretDir: undefined,
    });
    expect(
      loadConnectorsConfig(
        testEnv({
          CONNECTORS_SECRET_REFS: 'env:GITHUB_TOKEN,file:/run/secrets/*',
          CONNECTORS_SECRET_DIR: '/run/secrets',
        }),
      ).secretRefs,
    ).toEqual({ allow: ['env:GITHUB_TOKEN', 'file:/run/secrets/*'], secretDir: '/run/secrets' });
    expect(configError(testEnv({ CONNECTORS_SECRET_REFS: 'env:{A' }))).toMatchObject({
      code: 'CONFIG_INVALID',
      variable: 'CONNECTORS_SECRET_REFS',
      message: 'brAInwav: CONNECTORS_SECRET_REFS entry 0 is not a valid glob',
    });
    expect(configError(testEnv({ CONNECTORS_SECRET_REFS: 'file:/x/*' }))).toMatchObject({
      variable: 'CONNECTORS_SECRET_DIR',
    });
  });

  it('refuses a private JWK in CONNECTORS_VERIFY_KEYS naming the variable, never the value', async () => {
    const { signing } = await generateSigningKey('EdDSA');
    const jwk = signing.alg === 'EdDSA' ? signing.privateJwk : {};
    const error = configError(
      testEnv({ CONNECTORS_VERIFY_KEYS: JSON.stringify([{ alg: 'EdDSA', publicJwk: jwk }]) }),
    );
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', variable: 'CONNECTORS_VERIFY_KEYS' });
    expect(error.message).toBe(
      'brAInwav: CONNECTORS_VERIFY_KEYS entry 0: publicJwk must be a public key: remove "d"',
    );
    expect(error.message).not.toContain(String(jwk.d));
  });

  it('keeps the signing JWK d among the configured secrets (log redaction)', async () => {
    const { signing } = await generateSigningKey('EdDSA');
    const jwk = signing.alg === 'EdDSA' ? signing.privateJwk : {};
    const config = loadConnectorsConfig(testEnv({ CONNECTORS_SIGNING_JWK: JSON.stringify(jwk) }));
    expect(config.verifyKeys).toContainEqual({
      alg: 'EdDSA',
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
    });
    expect(JSON.stringify(config.verifyKeys)).not.toContain(String(jwk.d));
    expect(configSecrets(config)).toEqual(expect.arrayContaining([String(jwk.d), SIGNATURE_KEY]));
  });

  it('main exits 2 with the branded error for a private JWK in CONNECTORS_VERIFY_KEYS', async () => {
    const { signing } = await generateSigningKey('EdDSA');
    const jwk = signing.alg === 'EdDSA' ? signing.privateJwk : {};
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=@cortex-os/source', '--import', 'tsx', main], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      env: {
        PATH: process.env.PATH ?? '',
        ...testEnv({
          CONNECTORS_PORT: '0',
          CONNECTORS_VERIFY_KEYS: JSON.stringify([{ alg: 'EdDSA', publicJwk: jwk }]),
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toBe(
      'brAInwav: CONNECTORS_VERIFY_KEYS entry 0: publicJwk must be a public key: remove "d"\n',
    );
  }, 30_000);
});
