import { startRedisServer, type TestRedisServer } from '@cortex-os/mcp-bridge/testing';
import { assistantMessage, functionCall, modelResponder, ScriptedModel } from '@openai/agents/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMeta, redisCheckpointStore, resumeRun, startRun } from '../../src/index.js';
import { lastToolOutput } from '../stack.js';
import { localAgent, logTypes, NO_TRACING } from './helpers.js';

let server: TestRedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
});

afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe('redis checkpoint store', () => {
  it('keeps documents and the log under the run keys', async () => {
    const store = redisCheckpointStore(redis, 'test:');
    await store.write('r1', 'state', '{"s":1}');
    await store.write('r1', 'state', '{"s":2}');
    await store.append('r1', ['{"a":1}', '{"a":2}']);
    expect(await store.read('r1', 'state')).toBe('{"s":2}');
    expect(await store.read('r1', 'meta')).toBeUndefined();
    expect(await store.log('r1')).toEqual(['{"a":1}', '{"a":2}']);
    expect((await redis.keys('test:r1:*')).sort()).toEqual(['test:r1:log', 'test:r1:state']);
    await expect(store.write('../x', 'state', '{}')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('an approval run checkpointed in Redis resumes from it', async () => {
    const store = redisCheckpointStore(redis);
    const model = new ScriptedModel([
      [functionCall('transfer', { amount: 5 }, { callId: 'call-r' })],
      modelResponder((call) => [assistantMessage(`ok: ${lastToolOutput(call)}`)]),
    ]);
    const { agent, calls } = localAgent(model);
    expect((await startRun(agent, 'pay', { store, runId: 'redis-run', ...NO_TRACING })).status).toBe(
      'interrupted',
    );
    expect((await readMeta(store, 'redis-run')).status).toBe('interrupted');
    const done = await resumeRun('redis-run', [{ callId: 'call-r', decision: 'approve' }], {
      agent,
      store,
      ...NO_TRACING,
    });
    expect(done).toMatchObject({ status: 'completed', finalOutput: 'ok: transferred 5' });
    expect(calls.transfer).toEqual(['5']);
    expect((await logTypes(store, 'redis-run')).at(-1)).toBe('run_completed');
  });
});
