import { Agent, Runner } from '@openai/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer, type ModelStep } from '@cortex-os/agents/testing';
import { ModelProviderError, retryDelayMs, type ConnectedModel } from '../../src/index.js';
import { connectTo } from './helpers.js';

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runWith(steps: ModelStep[], env: NodeJS.ProcessEnv = {}) {
  server = await startModelServer({});
  const c = await connectTo(server.baseURL, env);
  const before = server.requests.length;
  server.push(...steps);
  const agent = new Agent({ name: 'retry', instructions: 'answer', model: c.model });
  const runner = new Runner({ modelSettings: c.modelSettings, tracingDisabled: true });
  const started = Date.now();
  try {
    const result = await runner.run(agent, 'hello');
    return {
      c,
      result,
      error: undefined,
      ms: Date.now() - started,
      requests: server.requests.length - before,
    };
  } catch (error) {
    return {
      c,
      result: undefined,
      error,
      ms: Date.now() - started,
      requests: server.requests.length - before,
    };
  }
}

const brand = (c: ConnectedModel, err: unknown) => c.brandError(err) as ModelProviderError;

describe.each(['responses', 'chat_completions'])('model retries (%s API, SDK runner)', (api) => {
  const env = { CORTEX_AGENT_API: api };

  it('429 with Retry-After: 1 is retried after at least one second, then answers', async () => {
    const r = await runWith([{ status: 429, retryAfter: '1' }, { text: 'after the 429' }], env);
    expect(r.error).toBeUndefined();
    expect(r.result?.finalOutput).toBe('after the 429');
    expect(r.requests).toBe(2);
    expect(r.ms).toBeGreaterThanOrEqual(950);
    expect(r.result?.state.usage.totalTokens).toBe(15);
  });

  it('5xx answers are retried with backoff; after maxRetries a branded UPSTREAM_UNAVAILABLE', async () => {
    const ok = await runWith([{ status: 503 }, { status: 500 }, { text: 'third time' }], env);
    expect([ok.result?.finalOutput, ok.requests]).toEqual(['third time', 3]);
    await server?.close();
    const failed = await runWith([{ status: 502 }, { status: 502 }, { status: 502 }, { status: 502 }], env);
    expect(failed.requests).toBe(4);
    const err = brand(failed.c, failed.error);
    expect(err).toBeInstanceOf(ModelProviderError);
    expect([err.code, err.status]).toEqual(['UPSTREAM_UNAVAILABLE', 502]);
    expect(err.message).toMatch(
      /^brAInwav: model "fake-model" at http:\/\/127\.0\.0\.1:\d+\/v1 failed: HTTP 502/,
    );
  });

  it('a Retry-After beyond maxRetryAfterMs fails at once with QUOTA_EXCEEDED', async () => {
    const r = await runWith([{ status: 429, retryAfter: '3600' }], env);
    expect(r.requests).toBe(1);
    expect(brand(r.c, r.error)).toMatchObject({ code: 'QUOTA_EXCEEDED', status: 429 });
  });

  it('a malformed 200 answer is not retried and is branded UPSTREAM_PROTOCOL_ERROR', async () => {
    const r = await runWith([{ malformed: '{"choices": [{"mess' }], env);
    expect(r.requests).toBe(1);
    const err = brand(r.c, r.error);
    expect(err.code).toBe('UPSTREAM_PROTOCOL_ERROR');
    expect(err.message).toMatch(/^brAInwav: model "fake-model" .* unusable answer/);
  });
});

describe('retryDelayMs', () => {
  const ctx = (attempt: number, normalized: Record<string, unknown>) => ({
    attempt,
    normalized: { isAbort: false, isNetworkError: false, ...normalized },
  });
  it('honours Retry-After, backs off with the shared full-jitter formula, refuses 4xx and aborts', () => {
    expect(retryDelayMs(ctx(1, { statusCode: 429, retryAfterMs: 1500 }))).toBe(1500);
    expect(retryDelayMs(ctx(1, { statusCode: 429, retryAfterMs: 61_000 }))).toBeUndefined();
    expect(retryDelayMs(ctx(3, { statusCode: 503 }), {}, () => 0.999)).toBe(1998); // floor(0.999 · 500 · 2²)
    expect(retryDelayMs(ctx(9, { statusCode: 503 }), { maxDelayMs: 100 }, () => 0.5)).toBeUndefined();
    expect(retryDelayMs(ctx(2, { statusCode: 503 }), { maxDelayMs: 100 }, () => 0.5)).toBe(50);
    expect(retryDelayMs(ctx(1, { isNetworkError: true }), {}, () => 0.5)).toBe(250);
    expect(retryDelayMs(ctx(1, { statusCode: 400 }))).toBeUndefined();
    expect(retryDelayMs(ctx(1, { statusCode: 500, isAbort: true }))).toBeUndefined();
  });
});
