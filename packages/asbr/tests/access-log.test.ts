import { describe, expect, it } from 'vitest';
import { createLogger } from '@cortex-os/telemetry';
import { MAP_PATH, bearer, makeApp } from './helpers.js';

/** Sends `n` good requests and one unauthenticated one; returns the access lines written. */
async function accessLines(env: Record<string, string>, n = 150): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const logger = createLogger({
    component: 'asbr',
    destination: { write: (l: string) => void lines.push(l) },
  });
  const { app } = await makeApp({ logger, env });
  try {
    for (let i = 0; i < n; i += 1)
      expect((await app.inject({ url: MAP_PATH, headers: bearer() })).statusCode).toBe(200);
    expect((await app.inject({ url: MAP_PATH })).statusCode).toBe(401);
  } finally {
    await app.close();
  }
  const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(records.some((r) => r.msg === 'incoming request')).toBe(false);
  return records.filter((r) => r.msg === 'request completed');
}

describe('access log (LOG_ACCESS)', () => {
  it('by default (sampled) writes one line per failure and 1 in 100 good responses, never two per request', async () => {
    const lines = await accessLines({});
    expect(lines.map((l) => (l.res as { statusCode: number }).statusCode)).toEqual([200, 200, 401]);
    expect(lines[0]).toMatchObject({ req: { method: 'GET', url: MAP_PATH }, reqId: expect.any(String) });
  });

  it('off writes none, errors only the failure, all one line per request', async () => {
    expect(await accessLines({ LOG_ACCESS: 'off' }, 20)).toHaveLength(0);
    expect((await accessLines({ LOG_ACCESS: 'errors' }, 20)).map((l) => l.res)).toEqual([
      { statusCode: 401 },
    ]);
    expect(await accessLines({ LOG_ACCESS: 'all' }, 20)).toHaveLength(21);
  });
});
