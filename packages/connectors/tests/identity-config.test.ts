import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySha256 } from '@cortex-os/server-kit';
import { loadConnectorsConfig, type ConfigError, type ConnectorsEnv } from '../src/index.js';
import { loadIdentityConfig } from '../src/identity-config.js';
import { MCP_KEY, removeDir, testEnv } from './helpers.js';

const ISSUER = 'http://127.0.0.1:7072';
const SUPPORT_KEY = 'support-bot-key-0123456789abcdef';

function configError(env: ConnectorsEnv): ConfigError {
  try {
    loadConnectorsConfig(env);
  } catch (err) {
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

/**
 * The error of `extra` over the test env: `CONFIG_INVALID`, naming `variable`, the exact message and none of
 * the values (`echoes: true` for a file path, which the message names on purpose).
 */
function expectRefused(
  extra: Record<string, string>,
  variable: string,
  message: string,
  echoes = false,
): void {
  const env = testEnv(extra);
  const err = configError(env);
  expect(err.code).toBe('CONFIG_INVALID');
  expect(err.variable).toBe(variable);
  expect(err.message).toBe(message);
  if (echoes) return;
  for (const value of Object.values(extra)) if (value.length >= 8) expect(err.message).not.toContain(value);
}

describe('MCP_AUTH and the OAuth resource-server settings', () => {
  it('defaults to apiKey without OAuth settings and the default session caps', () => {
    const { identity } = loadConnectorsConfig(testEnv());
    expect(identity).toEqual({
      mode: 'apiKey',
      publicUrl: 'http://127.0.0.1:7071',
      oauth: undefined,
      principalsFile: undefined,
      policyFile: undefined,
      maxSessions: 1000,
      maxSessionsPerPrincipal: 100,
    });
  });

  it('accepts apiKey, oauth and both; oauth and both carry the issuer (trailing slashes removed)', () => {
    expect(loadConnectorsConfig(testEnv({ MCP_AUTH: 'apiKey' })).identity.mode).toBe('apiKey');
    for (const mode of ['oauth', 'both'] as const) {
      const { identity } = loadConnectorsConfig(testEnv({ MCP_AUTH: mode, OAUTH_ISSUER: `${ISSUER}/` }));
      expect(identity.mode).toBe(mode);
      expect(identity.oauth).toEqual({
        issuer: ISSUER,
        jwksUrl: undefined,
        rolesClaim: 'roles',
        requiredScopes: [],
      });
    }
    // apiKey ignores the OAuth variables entirely
    expect(
      loadConnectorsConfig(testEnv({ OAUTH_ISSUER: 'http://not-loopback.example' })).identity.oauth,
    ).toBeUndefined();
  });

  it('refuses an unknown MCP_AUTH naming the variable, never the value', () => {
    expectRefused(
      { MCP_AUTH: 'kerberos-secret-value' },
      'MCP_AUTH',
      'brAInwav: MCP_AUTH must be one of apiKey, oauth, both',
    );
    // case matters: the value is compared exactly
    expect(configError(testEnv({ MCP_AUTH: 'OAuth' })).variable).toBe('MCP_AUTH');
  });

  it('requires OAUTH_ISSUER for oauth and both, https off loopback', () => {
    for (const mode of ['oauth', 'both']) {
      expectRefused(
        { MCP_AUTH: mode },
        'OAUTH_ISSUER',
        'brAInwav: OAUTH_ISSUER is required when MCP_AUTH is oauth or both',
      );
    }
    expectRefused(
      { MCP_AUTH: 'oauth', OAUTH_ISSUER: 'http://auth.example.com' },
      'OAUTH_ISSUER',
      'brAInwav: OAUTH_ISSUER must use https unless its host is a loopback address',
    );
    expect(
      loadConnectorsConfig(testEnv({ MCP_AUTH: 'oauth', OAUTH_ISSUER: 'https://auth.example.com/' })).identity
        .oauth?.issuer,
    ).toBe('https://auth.example.com');
  });

  it('reads OAUTH_JWKS_URL, OAUTH_ROLES_CLAIM and OAUTH_REQUIRED_SCOPES (space- or comma-separated)', () => {
    const { identity } = loadConnectorsConfig(
      testEnv({
        MCP_AUTH: 'both',
        OAUTH_ISSUER: ISSUER,
        OAUTH_JWKS_URL: 'https://keys.example.com/jwks.json',
        OAUTH_ROLES_CLAIM: 'https://brainwav.io/roles',
        OAUTH_REQUIRED_SCOPES: 'mcp:tools  tools:call,audit:read',
      }),
    );
    expect(identity.oauth).toEqual({
      issuer: ISSUER,
      jwksUrl: 'https://keys.example.com/jwks.json',
      rolesClaim: 'https://brainwav.io/roles',
      requiredScopes: ['mcp:tools', 'tools:call', 'audit:read'],
    });
    const oauth = { MCP_AUTH: 'oauth', OAUTH_ISSUER: ISSUER };
    expectRefused(
      { ...oauth, OAUTH_REQUIRED_SCOPES: 'mcp:tools "quoted-scope"' },
      'OAUTH_REQUIRED_SCOPES',
      'brAInwav: OAUTH_REQUIRED_SCOPES must be space- or comma-separated scope tokens',
    );
    expectRefused(
      { ...oauth, OAUTH_ROLES_CLAIM: 'roles with spaces' },
      'OAUTH_ROLES_CLAIM',
      'brAInwav: OAUTH_ROLES_CLAIM must be a claim name',
    );
    expectRefused(
      { ...oauth, OAUTH_JWKS_URL: 'http://keys.example.com/jwks.json' },
      'OAUTH_JWKS_URL',
      'brAInwav: OAUTH_JWKS_URL must use https unless its host is a loopback address',
    );
  });
});

describe('CONNECTORS_PUBLIC_URL', () => {
  it('defaults to http://<HOST>:<CONNECTORS_PORT>, a wildcard host as 127.0.0.1, IPv6 bracketed', () => {
    const url = (extra: Record<string, string>) => loadConnectorsConfig(testEnv(extra)).identity.publicUrl;
    expect(url({ CONNECTORS_PORT: '8080' })).toBe('http://127.0.0.1:8080');
    expect(url({ HOST: 'localhost', CONNECTORS_PORT: '9000' })).toBe('http://localhost:9000');
    expect(url({ HOST: '0.0.0.0', CONNECTORS_PORT: '8080' })).toBe('http://127.0.0.1:8080');
    expect(url({ HOST: '::1', CONNECTORS_PORT: '8080' })).toBe('http://[::1]:8080');
    expect(loadIdentityConfig({}, { host: '::', port: 7071 }).publicUrl).toBe('http://127.0.0.1:7071');
    expect(loadIdentityConfig({}, { host: '10.0.0.5', port: 443 }).publicUrl).toBe('http://10.0.0.5:443');
  });

  it('keeps an https URL (path kept, trailing slashes removed) and http on loopback', () => {
    const url = (value: string) =>
      loadConnectorsConfig(testEnv({ CONNECTORS_PUBLIC_URL: value })).identity.publicUrl;
    expect(url('https://gw.example.com/base//')).toBe('https://gw.example.com/base');
    expect(url('https://gw.example.com')).toBe('https://gw.example.com');
    expect(url('http://127.0.0.1:7071/')).toBe('http://127.0.0.1:7071');
    expect(url('http://localhost:7071')).toBe('http://localhost:7071');
    expect(url('http://[::1]:7071')).toBe('http://[::1]:7071');
  });

  it('refuses http off loopback, a query, a fragment, another scheme or no URL, never echoing it', () => {
    const cases: [string, string][] = [
      ['http://gw.example.com', 'must use https unless its host is a loopback address'],
      ['http://0.0.0.0:7071', 'must use https unless its host is a loopback address'],
      ['https://gw.example.com/base?tenant=secret-tenant', 'must not have a query or a fragment'],
      ['https://gw.example.com/base#secret-fragment', 'must not have a query or a fragment'],
      ['ftp://gw.example.com', 'must be an http(s) URL'],
      ['gw.example.com/mcp', 'must be an absolute http(s) URL'],
    ];
    for (const [value, reason] of cases)
      expectRefused(
        { CONNECTORS_PUBLIC_URL: value },
        'CONNECTORS_PUBLIC_URL',
        `brAInwav: CONNECTORS_PUBLIC_URL ${reason}`,
      );
  });

  it('refuses a bare "?" or "#" (an empty query or fragment), which would end up in every resource URL', () => {
    for (const variable of ['CONNECTORS_PUBLIC_URL', 'OAUTH_ISSUER'])
      for (const value of ['https://gw.example.com/?', 'https://gw.example.com/base#'])
        expectRefused(
          { MCP_AUTH: 'oauth', OAUTH_ISSUER: ISSUER, [variable]: value },
          variable,
          `brAInwav: ${variable} must not have a query or a fragment`,
          true,
        );
  });

  it('refuses credentials in the URL (it is published in resource documents and challenges), never echoing them', () => {
    for (const variable of ['CONNECTORS_PUBLIC_URL', 'OAUTH_ISSUER', 'OAUTH_JWKS_URL']) {
      const err = configError(
        testEnv({
          MCP_AUTH: 'oauth',
          OAUTH_ISSUER: ISSUER,
          [variable]: 'https://operator:hunter2-secret@gw.example.com',
        }),
      );
      expect(err).toMatchObject({ code: 'CONFIG_INVALID', variable });
      expect(err.message).toMatch(new RegExp(`^brAInwav: ${variable} `));
      expect(err.message).not.toContain('hunter2-secret');
      expect(err.message).not.toContain('operator');
    }
  });
});

describe('MCP_MAX_SESSIONS and MCP_MAX_SESSIONS_PER_PRINCIPAL', () => {
  it('reads both; the per-principal default is capped by the total', () => {
    const caps = (extra: Record<string, string>) => {
      const { maxSessions, maxSessionsPerPrincipal } = loadConnectorsConfig(testEnv(extra)).identity;
      return [maxSessions, maxSessionsPerPrincipal];
    };
    expect(caps({ MCP_MAX_SESSIONS: '5000' })).toEqual([5000, 100]);
    expect(caps({ MCP_MAX_SESSIONS: '50' })).toEqual([50, 50]);
    expect(caps({ MCP_MAX_SESSIONS: '50', MCP_MAX_SESSIONS_PER_PRINCIPAL: '7' })).toEqual([50, 7]);
    expect(caps({ MCP_MAX_SESSIONS_PER_PRINCIPAL: '1' })).toEqual([1000, 1]);
  });

  it('refuses zero, negatives, words and more than a million', () => {
    for (const variable of ['MCP_MAX_SESSIONS', 'MCP_MAX_SESSIONS_PER_PRINCIPAL'])
      for (const value of ['0', '-3', 'many', '1.5', '1000001'])
        expectRefused({ [variable]: value }, variable, `brAInwav: ${variable} must be a positive integer`);
    expect(loadConnectorsConfig(testEnv({ MCP_MAX_SESSIONS: '1000000' })).identity.maxSessions).toBe(
      1_000_000,
    );
  });
});

describe('MCP_API_KEY, the principals file and the policy file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'brainwav-identity-'));
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  const withoutMcpKey = (extra: Record<string, string>): ConnectorsEnv => {
    const env: Record<string, string | undefined> = { ...testEnv(extra) };
    delete env.MCP_API_KEY;
    return env;
  };

  it('requires MCP_API_KEY in apiKey mode without a principals file', () => {
    const err = configError(withoutMcpKey({}));
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', variable: 'MCP_API_KEY' });
    expect(err.message).toBe('brAInwav: MCP_API_KEY is required (comma-separated keys) unless NO_AUTH=true');
  });

  it('makes MCP_API_KEY optional with MCP_AUTH=oauth or both', () => {
    for (const mode of ['oauth', 'both']) {
      const config = loadConnectorsConfig(withoutMcpKey({ MCP_AUTH: mode, OAUTH_ISSUER: ISSUER }));
      expect(config.mcpApiKeys).toEqual([]);
      expect(config.keyPrincipals).toEqual([]);
    }
    // a key given is still validated and kept
    const config = loadConnectorsConfig(testEnv({ MCP_AUTH: 'both', OAUTH_ISSUER: ISSUER }));
    expect(config.mcpApiKeys).toEqual([MCP_KEY]);
  });

  it('makes MCP_API_KEY optional with a principals file, which keeps only key digests', async () => {
    const file = join(dir, 'principals.json');
    await writeFile(
      file,
      JSON.stringify({
        principals: [
          { subject: 'support-bot', roles: ['support'], keyRef: 'env:SUPPORT_BOT_KEY', access: ['mcp'] },
          { subject: 'admin-bot', roles: ['admin'], keySha256: keySha256('admin-bot-key-0123456789abcdef') },
        ],
      }),
    );
    const config = loadConnectorsConfig(
      withoutMcpKey({ CONNECTORS_PRINCIPALS_FILE: file, SUPPORT_BOT_KEY: SUPPORT_KEY }),
    );
    expect(config.mcpApiKeys).toEqual([]);
    expect(config.identity.principalsFile).toBe(file);
    expect(config.keyPrincipals).toEqual([
      { subject: 'support-bot', roles: ['support'], keySha256: keySha256(SUPPORT_KEY), access: ['mcp'] },
      {
        subject: 'admin-bot',
        roles: ['admin'],
        keySha256: keySha256('admin-bot-key-0123456789abcdef'),
        access: null,
      },
    ]);
    expect(JSON.stringify(config.keyPrincipals)).not.toContain(SUPPORT_KEY);
  });

  it('resolves relative principals and policy paths against the working directory', async () => {
    await writeFile(
      join(dir, 'relative.json'),
      JSON.stringify({ principals: [{ subject: 'ops', roles: ['ops'], keySha256: keySha256(SUPPORT_KEY) }] }),
    );
    const config = loadConnectorsConfig(
      testEnv({ CONNECTORS_POLICY_FILE: 'config/policy.yaml', CONNECTORS_PRINCIPALS_FILE: 'relative.json' }),
      dir,
    );
    expect(config.identity.policyFile).toBe(join(dir, 'config/policy.yaml'));
    expect(config.identity.principalsFile).toBe(join(dir, 'relative.json'));
    expect(config.keyPrincipals.map((p) => p.subject)).toEqual(['ops']);
  });

  it('surfaces principals-file problems as CONNECTORS_PRINCIPALS_FILE is refused: …, never a key', async () => {
    const missing = join(dir, 'missing.json');
    const bad = join(dir, 'bad.json');
    const broken = join(dir, 'broken.json');
    const unset = join(dir, 'unset.json');
    await writeFile(
      bad,
      JSON.stringify({ principals: [{ subject: 'a', roles: [], keySha256: 'xyz', extra: 1 }] }),
    );
    await writeFile(broken, '{"principals": [{"subject": "x", "keySha256": "sk-live-TOPSECRET-0123456789');
    await writeFile(
      unset,
      JSON.stringify({ principals: [{ subject: 'support-bot', roles: [], keyRef: 'env:SUPPORT_BOT_KEY' }] }),
    );
    const prefix = 'brAInwav: CONNECTORS_PRINCIPALS_FILE is refused: principals file';
    expectRefused(
      { CONNECTORS_PRINCIPALS_FILE: missing },
      'CONNECTORS_PRINCIPALS_FILE',
      `${prefix} ${missing} is invalid: cannot be read (ENOENT)`,
      true,
    );
    const badErr = configError(testEnv({ CONNECTORS_PRINCIPALS_FILE: bad }));
    expect(badErr).toMatchObject({ code: 'CONFIG_INVALID', variable: 'CONNECTORS_PRINCIPALS_FILE' });
    expect(badErr.message).toBe(
      `${prefix} ${bad} is invalid: principals[0].extra is not a known field; principals[0].keySha256 must be 64 hex characters (the SHA-256 of the key)`,
    );
    const brokenErr = configError(testEnv({ CONNECTORS_PRINCIPALS_FILE: broken }));
    expect(brokenErr.variable).toBe('CONNECTORS_PRINCIPALS_FILE');
    expect(brokenErr.message).toMatch(new RegExp(`^${prefix} ${broken} is invalid: is not valid JSON`));
    expect(brokenErr.message).not.toContain('TOPSECRET');
    expectRefused(
      { CONNECTORS_PRINCIPALS_FILE: unset },
      'CONNECTORS_PRINCIPALS_FILE',
      `${prefix} ${unset} is invalid: principals[0].keyRef names SUPPORT_BOT_KEY, which is not set`,
      true,
    );
  });
});
