import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAuthSettings, startDevAuthServer } from '../src/index.js';
import { testJwks } from './helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SECRETS = {
  DEV_AUTH_CLIENT_DEV_ADMIN_SECRET: 'settings-admin-secret-0123456789',
  DEV_AUTH_CLIENT_DEV_SUPPORT_SECRET: 'settings-support-secret-0123456789',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dev-auth-settings-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('devAuthSettings', () => {
  it('defaults: port 7072 on 127.0.0.1, the repo config, the connectors /mcp as default resource', async () => {
    const jwks = JSON.stringify(await testJwks());
    const { options, configPath, ephemeralKey } = await devAuthSettings(
      { ...SECRETS, DEV_AUTH_JWKS: jwks },
      ROOT,
    );
    expect(configPath).toBe(join(ROOT, 'config/dev-auth.json'));
    expect(ephemeralKey).toBe(false);
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 7072,
      defaultResource: 'http://127.0.0.1:7071/mcp',
      accessTokenTtlSeconds: 600,
      allowRemote: false,
      resources: [],
    });
    expect(options.issuer).toBeUndefined();
    expect(options.clients.map((c) => c.client_id)).toEqual(['dev-admin', 'dev-support', 'dev-inspector']);
  });

  it('a public CONNECTORS_PUBLIC_URL becomes an accepted resource and the default resource base', async () => {
    const { options } = await devAuthSettings(
      {
        ...SECRETS,
        CONNECTORS_PUBLIC_URL: 'https://tunnel.example.com/',
        DEV_AUTH_ISSUER: 'https://auth.example.com',
      },
      ROOT,
    );
    expect(options.resources).toEqual(['https://tunnel.example.com']);
    expect(options.defaultResource).toBe('https://tunnel.example.com/mcp');
    expect(options.issuer).toBe('https://auth.example.com');
  });

  it('adds the connectors manifest scopes, so a client may register with them', async () => {
    const manifest = join(dir, 'manifest.json');
    await writeFile(
      manifest,
      JSON.stringify({ connectors: [{ scopes: ['crm:write', 'tools:read'] }, { scopes: ['bad scope'] }] }),
    );
    const { options } = await devAuthSettings({ ...SECRETS, CONNECTORS_MANIFEST_PATH: manifest }, ROOT);
    expect(options.scopes).toEqual([
      'openid',
      'offline_access',
      'mcp:tools',
      'tools:read',
      'tools:call',
      'crm:write',
    ]);
    const server = await startDevAuthServer({ ...options, port: 0, jwks: await testJwks() });
    try {
      const meta = (await (await fetch(server.metadataUrl)).json()) as { registration_endpoint: string };
      const response = await fetch(meta.registration_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: ['http://localhost:6274/oauth/callback'],
          token_endpoint_auth_method: 'none',
          scope: 'mcp:tools crm:write',
        }),
      });
      expect(response.status).toBe(201);
      expect(((await response.json()) as { scope: string }).scope).toBe('mcp:tools crm:write');
    } finally {
      await server.close();
    }
  });

  it('names the variable of a bad value', async () => {
    await expect(
      devAuthSettings({ ...SECRETS, DEV_AUTH_ACCESS_TOKEN_TTL_SECONDS: '0' }, ROOT),
    ).rejects.toThrow('brAInwav: DEV_AUTH_ACCESS_TOKEN_TTL_SECONDS must be an integer 1-86400');
    await expect(devAuthSettings({ ...SECRETS, CONNECTORS_PUBLIC_URL: 'not a url' }, ROOT)).rejects.toThrow(
      'brAInwav: CONNECTORS_PUBLIC_URL must be an absolute http(s) URL without query or fragment',
    );
  });
});
