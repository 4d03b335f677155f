import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assistantMessage, functionCall, modelResponder, ScriptedModel } from '@openai/agents/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMeta, redisCheckpointStore, resumeRun, startRun } from '../../src/index.js';
import { lastToolOutput } from '../stack.js';
import { localAgent, logTypes, NO_TRACING, tempStore, type TempStore } from './helpers.js';

let dir: TempStore;
let server: ChildProcess;
let redis: Redis;

/** A private redis-server on a unix socket in a temp dir (no TCP port, no persistence). */
beforeAll(async () => {
  dir = await tempStore();
  const path = join(dir.dir, 'redis.sock');
  server = spawn('redis-server', ['--port', '0', '--unixsocket', path, '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; !existsSync(path); i += 1) {
    if (i > 100) throw new Error('brAInwav: redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  redis = new Redis({ path, lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  expect(await redis.ping()).toBe('PONG');
});

afterAll(async () => {
  redis.disconnect();
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
  await dir.remove();
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
