import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '@cortex-os/telemetry';
import { isLoopbackHost } from '@cortex-os/server-kit';
import { loadConnectorsConfig, type ConfigError } from '../src/index.js';
import {
  API_KEY,
  MCP_KEY,
  SIGNATURE_KEY,
  connector,
  controlledSource,
  signedMapText,
  startApp,
  testEnv,
} from './helpers.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConnectorsConfig(env);
  } catch (err) {
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConnectorsConfig', () => {
  it('applies defaults', () => {
    const c = loadConnectorsConfig(testEnv());
    expect(c).toMatchObject({
      asbrUrl: 'http://127.0.0.1:7070',
      port: 7071,
      host: '127.0.0.1',
      noAuth: false,
      asbrApiKey: API_KEY,
    });
    expect(c.apiKeys).toEqual([API_KEY]);
    expect(c.mcpApiKeys).toEqual([MCP_KEY]);
    expect(c.verifyKeys).toEqual([{ alg: 'HS256', secret: SIGNATURE_KEY }]);
    expect(c.widgetDistDir).toMatch(/apps\/chatgpt-dashboard\/dist$/);
    expect(c.refreshIntervalMs).toBe(5_000);
    expect(loadConnectorsConfig(testEnv({ CONNECTORS_REFRESH_INTERVAL_MS: '750' })).refreshIntervalMs).toBe(
      750,
    );
    expect(configError({ ...testEnv(), CONNECTORS_REFRESH_INTERVAL_MS: '-1' })).toMatchObject({
      code: 'CONFIG_INVALID',
      variable: 'CONNECTORS_REFRESH_INTERVAL_MS',
    });
    expect(loadConnectorsConfig(testEnv()).breakerResetMs).toBe(10_000);
    expect(loadConnectorsConfig(testEnv({ CONNECTORS_BREAKER_RESET_MS: '2500' })).breakerResetMs).toBe(2500);
    expect(configError({ ...testEnv(), CONNECTORS_BREAKER_RESET_MS: 'soon' })).toMatchObject({
      code: 'CONFIG_INVALID',
      variable: 'CONNECTORS_BREAKER_RESET_MS',
    });
    expect(c.listFastLane).toBe(true);
    expect(loadConnectorsConfig(testEnv({ CONNECTORS_LIST_FAST_LANE: 'false' })).listFastLane).toBe(false);
    expect(configError({ ...testEnv(), CONNECTORS_LIST_FAST_LANE: 'off' })).toMatchObject({
      code: 'CONFIG_INVALID',
      variable: 'CONNECTORS_LIST_FAST_LANE',
    });
  });

  it('fails fast naming the variable, never its value', () => {
    const cases: [Record<string, string>, string][] = [
      [{ ...testEnv(), CONNECTORS_PORT: 'seventy' }, 'CONNECTORS_PORT'],
      [{ ...testEnv(), ASBR_URL: 'ftp://secret-host-value' }, 'ASBR_URL'],
      [{ MCP_API_KEY: MCP_KEY, CONNECTORS_SIGNATURE_KEY: SIGNATURE_KEY }, 'CONNECTORS_API_KEY'],
      [{ ...testEnv(), MCP_API_KEY: 'short-secret' }, 'MCP_API_KEY'],
      [{ ...testEnv(), CONNECTORS_SIGNATURE_KEY: 'too-short-secret-value' }, 'CONNECTORS_SIGNATURE_KEY'],
      [{ ...testEnv(), CONNECTORS_VERIFY_KEYS: '{not json secret-material' }, 'CONNECTORS_VERIFY_KEYS'],
      [{ ...testEnv(), REDIS_URL: 'http://secret-redis' }, 'REDIS_URL'],
    ];
    for (const [env, variable] of cases) {
      const err = configError(env);
      expect(err.code).toBe('CONFIG_INVALID');
      expect(err.variable).toBe(variable);
      expect(err.message).toMatch(new RegExp(`^brAInwav: ${variable} `));
      for (const value of Object.values(env)) if (value.length >= 8) expect(err.message).not.toContain(value);
    }
  });

  it('requires a verification key', () => {
    const err = configError({ CONNECTORS_API_KEY: API_KEY, MCP_API_KEY: MCP_KEY });
    expect(err.message).toMatch(
      /CONNECTORS_VERIFY_KEYS or CONNECTORS_SIGNATURE_KEY or CONNECTORS_SIGNING_JWK/,
    );
  });

  it('recognises loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'example.com', '::'].some(isLoopbackHost)).toBe(false);
  });
});

describe('NO_AUTH rules', () => {
  it('NO_AUTH=true needs no keys on loopback and opens every route, loudly', async () => {
    const env = { CONNECTORS_SIGNATURE_KEY: SIGNATURE_KEY, NO_AUTH: 'true' };
    const config = loadConnectorsConfig(env);
    expect(config).toMatchObject({ noAuth: true, apiKeys: null, mcpApiKeys: null });
    const lines: string[] = [];
    const { createLogger } = await import('@cortex-os/telemetry');
    const logger = createLogger({
      component: 'test',
      destination: { write: (l: string) => void lines.push(l) },
    });
    const { buildApp } = await import('../src/index.js');
    const app = await buildApp({
      config,
      logger,
      source: controlledSource(await signedMapText([connector('x', 'http://127.0.0.1:9/mcp')])),
    });
    try {
      expect((await app.inject({ method: 'GET', url: '/v1/connectors' })).statusCode).toBe(200);
      expect(lines.some((l) => l.includes('NO_AUTH=true') && l.includes('"level":40'))).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('refuses NO_AUTH=true on a non-loopback HOST unless NO_AUTH_FORCE=true', () => {
    const env = { CONNECTORS_SIGNATURE_KEY: SIGNATURE_KEY, NO_AUTH: 'true', HOST: '0.0.0.0' };
    const err = configError(env);
    expect(err.variable).toBe('NO_AUTH');
    expect(err.message).toMatch(/NO_AUTH_FORCE=true/);
    expect(loadConnectorsConfig({ ...env, NO_AUTH_FORCE: 'true' }).noAuth).toBe(true);
    expect(configError({ ...env, NO_AUTH: 'yes' }).variable).toBe('NO_AUTH');
  });

  it('keys are still required when NO_AUTH is false', async () => {
    const app = await startApp(testEnv({ NO_AUTH: 'false' }), controlledSource(await signedMapText([])), {
      logger: createSilentLogger(),
    });
    try {
      expect((await app.inject({ method: 'GET', url: '/v1/connectors' })).statusCode).toBe(401);
      expect((await app.inject({ method: 'POST', url: '/mcp', payload: {} })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});
