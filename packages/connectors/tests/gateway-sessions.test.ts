import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { configSecrets, loadConnectorsConfig, type ConfigError } from '../src/index.js';
import { MCP_KEY, connector, controlledSource, signedMapText, startApp, testEnv } from './helpers.js';

const KEYS = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64url')];

describe('CONNECTORS_SESSION_KEYS: MCP sessions served by any replica', () => {
  let fixture: FixtureServer;
  const apps: FastifyInstance[] = [];
  const bases: string[] = [];

  beforeAll(async () => {
    fixture = await startFixtureServer({ name: 'fixture-sessions' });
    const map = await signedMapText([connector('fixtures', fixture.url)]);
    for (let i = 0; i < 2; i++) {
      const app = await startApp(testEnv({ CONNECTORS_SESSION_KEYS: KEYS.join(',') }), controlledSource(map));
      apps.push(app);
      bases.push(await app.listen({ port: 0, host: '127.0.0.1' }));
    }
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await fixture?.stop();
  });

  it('reads the keys (first seals) and redacts them; a bad key is CONFIG_INVALID naming its position only', () => {
    const config = loadConnectorsConfig(testEnv({ CONNECTORS_SESSION_KEYS: ` ${KEYS[0]} , ${KEYS[1]}` }));
    expect(config.sessionKeys?.map((k) => Buffer.from(k).toString('base64'))).toEqual([
      KEYS[0],
      Buffer.from(KEYS[1]!, 'base64url').toString('base64'),
    ]);
    expect(configSecrets(config)).toEqual(expect.arrayContaining([KEYS[0], KEYS[1]]));
    expect(loadConnectorsConfig(testEnv()).sessionKeys).toEqual([]);
    let error: ConfigError | undefined;
    try {
      loadConnectorsConfig(testEnv({ CONNECTORS_SESSION_KEYS: `${KEYS[0]},dG9vLXNob3J0` }));
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', variable: 'CONNECTORS_SESSION_KEYS' });
    expect(error?.message).toBe(
      'brAInwav: CONNECTORS_SESSION_KEYS has a bad key: session key 2 must be 32 bytes of base64 (got 9 bytes)',
    );
    expect(error?.message).not.toContain(KEYS[0]);
  });

  it('a session opened on one server process is served by another with the same keys', async () => {
    let n = 0;
    const client = new Client({ name: 'rr', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${bases[0]}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${MCP_KEY}` } },
        fetch: (url, init) => {
          const target = new URL(String(url));
          target.host = new URL(bases[n++ === 0 ? 0 : 1]!).host;
          return fetch(target, init);
        },
      }),
    );
    try {
      const result = await client.callTool({ name: 'fixtures__echo', arguments: { text: 'other replica' } });
      expect(JSON.stringify(result.content)).toContain('other replica');
      expect(n).toBeGreaterThan(2);
    } finally {
      await client.close();
    }
  });
});
