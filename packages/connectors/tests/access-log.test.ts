import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '@cortex-os/telemetry';
import { loadConnectorsConfig } from '../src/index.js';
import { API_KEY, MCP_KEY, controlledSource, rest, signedMapText, startApp, testEnv } from './helpers.js';

describe('connectors server access log (LOG_ACCESS)', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function lines(env: Record<string, string>, good: number): Promise<Record<string, unknown>[]> {
    const out: string[] = [];
    const logger = createLogger({
      component: 'connectors',
      secrets: [API_KEY, MCP_KEY],
      destination: { write: (l: string) => void out.push(l) },
    });
    app = await startApp(testEnv(env), controlledSource(await signedMapText([])), { logger });
    for (let i = 0; i < good; i += 1)
      expect((await app.inject({ url: '/v1/connectors', headers: rest })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/connectors' })).statusCode).toBe(401);
    const records = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.some((r) => r.msg === 'incoming request')).toBe(false);
    expect(out.join('')).not.toContain(API_KEY);
    return records.filter((r) => r.msg === 'request completed');
  }

  it('by default writes one line per failure and 1 in 100 good responses', async () => {
    const status = (await lines({}, 120)).map((r) => (r.res as { statusCode: number }).statusCode);
    expect(status).toEqual([200, 200, 401]);
  });

  it('all writes exactly one line per request; off none', async () => {
    expect(await lines({ LOG_ACCESS: 'all' }, 10)).toHaveLength(11);
    await app?.close();
    expect(await lines({ LOG_ACCESS: 'off' }, 10)).toHaveLength(0);
  });

  it('rejects an unknown LOG_ACCESS naming the variable', () => {
    expect(() => loadConnectorsConfig(testEnv({ LOG_ACCESS: 'verbose' }))).toThrow(
      /^brAInwav: LOG_ACCESS must be one of off, errors, sampled, all/,
    );
  });
});
