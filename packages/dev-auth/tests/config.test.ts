import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevAuthError, loadDevAuthConfig, parseDevAuthConfig } from '../src/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CONFIG = join(ROOT, 'config/dev-auth.json');
const ENV = {
  DEV_AUTH_CLIENT_DEV_ADMIN_SECRET: 'admin-secret-0123456789abcdef',
  DEV_AUTH_CLIENT_DEV_SUPPORT_SECRET: 'support-secret-0123456789abcdef',
};

function issuesOf(value: unknown, env: Record<string, string> = ENV): string {
  try {
    parseDevAuthConfig(value, 'test.json', env);
  } catch (error) {
    expect(error).toBeInstanceOf(DevAuthError);
    expect((error as DevAuthError).code).toBe('DEV_AUTH_CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected the config to be invalid');
}

const base = {
  scopes: ['mcp:tools'],
  users: [{ sub: 'alice', roles: ['admin'] }],
  clients: [] as unknown[],
};

describe('config/dev-auth.json (committed)', () => {
  it('loads with the demo users and clients, secrets resolved from env', async () => {
    const config = await loadDevAuthConfig(CONFIG, ENV);
    expect(config.users).toEqual([
      { sub: 'alice', roles: ['admin'] },
      { sub: 'bob', roles: ['support'] },
    ]);
    const byId = new Map(config.clients.map((c) => [c.client_id, c]));
    expect(byId.get('dev-admin')).toMatchObject({
      client_secret: ENV.DEV_AUTH_CLIENT_DEV_ADMIN_SECRET,
      roles: ['admin'],
      grant_types: ['client_credentials'],
    });
    expect(byId.get('dev-support')).toMatchObject({
      client_secret: ENV.DEV_AUTH_CLIENT_DEV_SUPPORT_SECRET,
      roles: ['support'],
      scopes: ['mcp:tools', 'tools:read', 'tools:call'], // the manifest's connectors require both; the policy keeps support read-only
    });
    expect(byId.get('dev-inspector')?.client_secret).toBeUndefined();
  });

  it('holds no literal secret: every client secret is an env: ref', async () => {
    const raw = JSON.parse(await readFile(CONFIG, 'utf8')) as { clients: Record<string, unknown>[] };
    for (const client of raw.clients) {
      expect(client).not.toHaveProperty('client_secret');
      if (client.client_secret_ref !== undefined)
        expect(client.client_secret_ref).toBe(
          `env:DEV_AUTH_CLIENT_${String(client.client_id).toUpperCase().replace(/-/g, '_')}_SECRET`,
        );
    }
  });

  it('lists mcp:tools and every scope the connectors manifest uses', async () => {
    const config = await loadDevAuthConfig(CONFIG, ENV);
    const manifest = JSON.parse(await readFile(join(ROOT, 'config/connectors.manifest.json'), 'utf8')) as {
      connectors: { scopes: string[] }[];
    };
    const needed = new Set(['mcp:tools', ...manifest.connectors.flatMap((c) => c.scopes)]);
    expect(needed.size).toBeGreaterThan(1);
    for (const scope of needed) expect(config.scopes).toContain(scope);
  });

  it('an unset secret variable is named in a branded error', async () => {
    await expect(
      loadDevAuthConfig(CONFIG, { DEV_AUTH_CLIENT_DEV_ADMIN_SECRET: ENV.DEV_AUTH_CLIENT_DEV_ADMIN_SECRET }),
    ).rejects.toThrow(
      `brAInwav: dev-auth config ${CONFIG} is invalid: clients[1].client_secret_ref: DEV_AUTH_CLIENT_DEV_SUPPORT_SECRET is not set (npm start generates it into .env.local)`,
    );
  });
});

describe('parseDevAuthConfig', () => {
  it('defaults a client’s scopes to every scope and keeps redirect URIs', () => {
    const config = parseDevAuthConfig(
      {
        ...base,
        scopes: ['mcp:tools', 'tools:read'],
        clients: [
          { client_id: 'app', grant_types: ['authorization_code'], redirect_uris: ['http://127.0.0.1/cb'] },
        ],
        resources: ['https://connectors.example.com'],
      },
      'test.json',
      {},
    );
    expect(config.clients).toEqual([
      {
        client_id: 'app',
        roles: [],
        scopes: ['mcp:tools', 'tools:read'],
        grant_types: ['authorization_code'],
        redirect_uris: ['http://127.0.0.1/cb'],
      },
    ]);
    expect(config.resources).toEqual(['https://connectors.example.com']);
  });

  it('refuses a literal client_secret without echoing it', () => {
    const message = issuesOf({
      ...base,
      clients: [
        { client_id: 'x', client_secret: 'literal-secret-value-123', grant_types: ['client_credentials'] },
      ],
    });
    expect(message).toContain(
      'clients[0].client_secret: literal secrets are refused: use client_secret_ref "env:NAME"',
    );
    expect(message).not.toContain('literal-secret-value-123');
  });

  it('refuses a too-short resolved secret without echoing it', () => {
    const message = issuesOf(
      {
        ...base,
        clients: [{ client_id: 'x', client_secret_ref: 'env:SHORT', grant_types: ['client_credentials'] }],
      },
      { SHORT: 'tiny-secret' },
    );
    expect(message).toContain('clients[0].client_secret_ref: SHORT must be at least 16 characters');
    expect(message).not.toContain('tiny-secret');
  });

  it('lists every issue with its JSON path', () => {
    const message = issuesOf({
      scopes: [],
      users: [{ sub: 'a b' }, { sub: 'bob' }, { sub: 'bob' }],
      clients: [
        { client_id: 'c1', grant_types: ['implicit'], scopes: ['nope'] },
        { client_id: 'c2', grant_types: ['authorization_code'] },
        { client_id: 'c3', grant_types: ['client_credentials'], client_secret_ref: 'file:/etc/x' },
      ],
      extra: true,
    });
    expect(message.startsWith('brAInwav: dev-auth config test.json is invalid: ')).toBe(true);
    for (const issue of [
      'extra: unknown key',
      'scopes: must list at least one scope',
      'users[0].sub: must match',
      'clients[0].scopes: "nope" is not in the top-level scopes',
      'clients[0].grant_types: unknown grant type "implicit"',
      'clients[1].redirect_uris: must list at least one URI for authorization_code',
      'clients[2].client_secret_ref: must be "env:<VARIABLE>"',
      'users: duplicate sub "bob"',
    ])
      expect(message).toContain(issue);
  });

  it('refuses a redirect URI with a fragment and a non-http resource', () => {
    const message = issuesOf({
      ...base,
      clients: [
        { client_id: 'c', grant_types: ['authorization_code'], redirect_uris: ['http://127.0.0.1/cb#x'] },
      ],
      resources: ['ftp://example.com'],
    });
    expect(message).toContain(
      'clients[0].redirect_uris[0]: must be an absolute http(s) URL without a fragment',
    );
    expect(message).toContain('resources[0]: must be an absolute http(s) URL without a fragment');
  });

  it('a non-object document is refused', () => {
    expect(issuesOf([])).toBe(
      'brAInwav: dev-auth config test.json is invalid: (document): must be a JSON object { users, clients, scopes }',
    );
  });
});

describe('loadDevAuthConfig file errors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-auth-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing file → DEV_AUTH_CONFIG_NOT_FOUND naming the path and errno', async () => {
    const path = join(dir, 'missing.json');
    await expect(loadDevAuthConfig(path, {})).rejects.toMatchObject({
      code: 'DEV_AUTH_CONFIG_NOT_FOUND',
      message: `brAInwav: dev-auth config ${path} cannot be read (ENOENT)`,
    });
  });

  it('a file that is not JSON → DEV_AUTH_CONFIG_INVALID', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, '{ not json');
    await expect(loadDevAuthConfig(path, {})).rejects.toMatchObject({
      code: 'DEV_AUTH_CONFIG_INVALID',
      message: expect.stringMatching(new RegExp(`^brAInwav: dev-auth config ${path} is not JSON \\(`)),
    });
  });
});
