import { describe, expect, it } from 'vitest';
import { createSnapshotCache } from '../src/snapshot-cache.js';

/** A cache over a counting builder with a manual clock and version. */
function harness(maxAgeMs = 1_000) {
  const state = { builds: 0, version: 1, now: 0, fail: false };
  const cache = createSnapshotCache({
    build: () => {
      state.builds += 1;
      return state.fail
        ? Promise.reject(new Error('brAInwav: not ready'))
        : Promise.resolve({ build: state.builds });
    },
    version: () => state.version,
    maxAgeMs,
    now: () => state.now,
  });
  const body = async () => (await cache(undefined)).toString('utf8');
  const peek = () => cache.peek(undefined)?.toString('utf8');
  return { state, body, peek };
}

describe('createSnapshotCache', () => {
  it('serializes once per version within maxAgeMs, and shares one build between concurrent callers', async () => {
    const { state, body } = harness();
    const [a, b] = await Promise.all([body(), body()]);
    expect([a, b]).toEqual(['{"build":1}', '{"build":1}']);
    state.now = 999;
    expect(await body()).toBe('{"build":1}');
    expect(state.builds).toBe(1);
  });

  it('rebuilds at once when the version changes (a status or quota event) and when the body is too old', async () => {
    const { state, body } = harness();
    await body();
    state.version = 2;
    expect(await body()).toBe('{"build":2}');
    state.now = 1_000;
    expect(await body()).toBe('{"build":3}');
  });

  it('keeps no failed build: the next call tries again', async () => {
    const { state, body } = harness();
    state.fail = true;
    await expect(body()).rejects.toThrow('brAInwav: not ready');
    state.fail = false;
    expect(await body()).toBe('{"build":2}');
  });

  it('keeps one body per viewer key and drops the least recently built past maxEntries', async () => {
    let builds = 0;
    const cache = createSnapshotCache({
      build: (viewer: string) => Promise.resolve({ viewer, build: ++builds }),
      keyOf: (viewer) => viewer,
      version: () => 'v1',
      maxAgeMs: 60_000,
      maxEntries: 2,
      now: () => 0,
    });
    const text = async (viewer: string) => (await cache(viewer)).toString('utf8');
    expect(await text('alice')).toBe('{"viewer":"alice","build":1}');
    expect(await text('bob')).toBe('{"viewer":"bob","build":2}');
    expect(await text('alice')).toBe('{"viewer":"alice","build":1}');
    expect(await text('carol')).toBe('{"viewer":"carol","build":3}'); // drops alice, the oldest build
    expect(await text('bob')).toBe('{"viewer":"bob","build":2}');
    expect(await text('alice')).toBe('{"viewer":"alice","build":4}');
  });

  it('builds on every call with maxAgeMs 0', async () => {
    const { state, body } = harness(0);
    await body();
    await body();
    expect(state.builds).toBe(2);
  });

  it('peek answers only a built, current body: nothing before the first build, while it runs, or once stale', async () => {
    const { state, body, peek } = harness();
    expect(peek()).toBeUndefined();
    const pending = body();
    expect(peek()).toBeUndefined(); // still building
    await pending;
    expect(peek()).toBe('{"build":1}');
    expect(state.builds).toBe(1); // peek never builds
    state.version = 2;
    expect(peek()).toBeUndefined();
    await body();
    expect(peek()).toBe('{"build":2}');
    state.now = 1_000;
    expect(peek()).toBeUndefined();
    expect(state.builds).toBe(2);
  });
});
