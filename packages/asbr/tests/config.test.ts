import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAsbrConfig } from '../src/index.js';

const KEY = 'k'.repeat(32);
const JWK = {
  crv: 'Ed25519',
  d: 'r7HauX9tUd5EmooLHHJ59znswQ7FC40ciKa2wGwefbI',
  x: 'OhX4iH7sgty5wfocCbkjutSOMP1v15p8_mHKcu6w0GE',
  kty: 'OKP',
};
const base = { CONNECTORS_SIGNATURE_KEY: KEY, CONNECTORS_API_KEY: 'key-one' };

function failure(env: Record<string, string>): ConfigError {
  try {
    loadAsbrConfig(env, '/srv/app');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadAsbrConfig', () => {
  it('applies defaults and resolves the manifest path against cwd', () => {
    const config = loadAsbrConfig(base, '/srv/app');
    expect(config).toEqual({
      manifestPath: resolve('/srv/app', 'config/connectors.manifest.json'),
      signingKey: { alg: 'HS256', secret: KEY },
      verifyKeys: [],
      apiKeys: ['key-one'],
      port: 7070,
      host: '127.0.0.1',
      logLevel: 'info',
      logAccess: 'sampled',
      guard: { allowedHosts: [], allowedOrigins: [], authFailureLimit: { max: 20, timeWindowMs: 60_000 } },
      timeouts: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 },
      deterministicSigning: false,
    });
  });

  it('ASBR_DETERMINISTIC_SIGNING is a true/false flag', () => {
    expect(loadAsbrConfig({ ...base, ASBR_DETERMINISTIC_SIGNING: 'true' }).deterministicSigning).toBe(true);
    expect(() => loadAsbrConfig({ ...base, ASBR_DETERMINISTIC_SIGNING: 'yes' })).toThrowError(
      /ASBR_DETERMINISTIC_SIGNING.*must be "true" or "false"/,
    );
  });

  it('reads every variable', () => {
    const config = loadAsbrConfig(
      {
        ...base,
        CONNECTORS_MANIFEST_PATH: 'm.json',
        CONNECTORS_API_KEY: ' a-key , b-key ',
        CONNECTORS_VERIFY_KEYS: JSON.stringify([
          { alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: JWK.x } },
        ]),
        ASBR_PORT: '0',
        HOST: '0.0.0.0',
        LOG_LEVEL: 'warn',
        LOG_ACCESS: 'all',
      },
      '/srv/app',
    );
    expect(config).toMatchObject({
      logAccess: 'all',
      manifestPath: '/srv/app/m.json',
      apiKeys: ['a-key', 'b-key'],
      port: 0,
      host: '0.0.0.0',
      logLevel: 'warn',
    });
    expect(config.verifyKeys).toHaveLength(1);
  });

  it('signs with EdDSA when both keys are set and keeps HS256 as a verify key', () => {
    const config = loadAsbrConfig({
      ...base,
      CONNECTORS_SIGNING_JWK: JSON.stringify({ ...JWK, kid: 'ed-1' }),
    });
    expect(config.signingKey).toEqual({ kid: 'ed-1', alg: 'EdDSA', privateJwk: JWK });
    expect(config.verifyKeys).toEqual([{ alg: 'HS256', secret: KEY }]);
  });

  it('disables auth only with NO_AUTH=true', () => {
    expect(loadAsbrConfig({ CONNECTORS_SIGNATURE_KEY: KEY, NO_AUTH: 'true' }).apiKeys).toBeNull();
  });

  it.each([
    [{ CONNECTORS_API_KEY: 'x' }, 'CONNECTORS_SIGNATURE_KEY', /or CONNECTORS_SIGNING_JWK is required/],
    [
      { ...base, CONNECTORS_SIGNATURE_KEY: 'short-secret-value' },
      'CONNECTORS_SIGNATURE_KEY',
      /at least 32 bytes \(got 18\)/,
    ],
    [{ ...base, CONNECTORS_SIGNING_JWK: '{"kty":"OKP"' }, 'CONNECTORS_SIGNING_JWK', /not valid JSON/],
    [
      { ...base, CONNECTORS_SIGNING_JWK: JSON.stringify({ ...JWK, d: undefined }) },
      'CONNECTORS_SIGNING_JWK',
      /Ed25519 private JWK/,
    ],
    [
      { ...base, CONNECTORS_VERIFY_KEYS: '[{"alg":"RS256","secret":"hidden-verify-secret"}]' },
      'CONNECTORS_VERIFY_KEYS',
      /entry 0 must be \{ kid\?, alg: "HS256", secret \}/,
    ],
    [{ CONNECTORS_SIGNATURE_KEY: KEY }, 'CONNECTORS_API_KEY', /required/],
    [{ ...base, CONNECTORS_API_KEY: 'a,,b' }, 'CONNECTORS_API_KEY', /empty entries/],
    [{ ...base, NO_AUTH: 'yes' }, 'NO_AUTH', /"true" or "false"/],
    [{ ...base, ASBR_PORT: '70000' }, 'ASBR_PORT', /between 0 and 65535/],
    [{ ...base, ASBR_PORT: '80abc' }, 'ASBR_PORT', /integer/],
    [{ ...base, LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of fatal/],
    [{ ...base, LOG_ACCESS: 'some' }, 'LOG_ACCESS', /one of off, errors, sampled, all/],
  ])('fails fast naming the variable, never its value (%#)', (env, variable, reason) => {
    const error = failure(env);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', variable, name: 'ConfigError' });
    expect(error.message).toMatch(new RegExp(`^brAInwav: ${variable} `));
    expect(error.message).toMatch(reason);
    for (const value of Object.values(env)) {
      if (value.length >= 8) expect(error.message).not.toContain(value);
    }
    expect(error.message).not.toContain('hidden-verify-secret');
  });
});
