import { describe, expect, it } from 'vitest';
import { withPerRequestSignal } from '../src/fetch-signal.js';

function responseWith(contentType: string): Response {
  return new Response('{}', { headers: { 'content-type': contentType } });
}

describe('withPerRequestSignal', () => {
  it('leaves no listener on the long-lived signal after JSON responses', async () => {
    const outer = new AbortController();
    let added = 0;
    let removed = 0;
    const add = outer.signal.addEventListener.bind(outer.signal);
    const remove = outer.signal.removeEventListener.bind(outer.signal);
    outer.signal.addEventListener = ((...args: Parameters<typeof add>) => (added++, add(...args)));
    outer.signal.removeEventListener = ((...args: Parameters<typeof remove>) => (removed++, remove(...args)));
    const seen: AbortSignal[] = [];
    const fetch = withPerRequestSignal((_url, init) => (seen.push(init!.signal!), Promise.resolve(responseWith('application/json'))));
    for (let i = 0; i < 50; i++) await fetch('http://127.0.0.1/mcp', { signal: outer.signal });
    expect([added, removed]).toEqual([50, 50]);
    expect(seen.every((s) => s !== outer.signal)).toBe(true);
  });

  it('keeps event streams linked: aborting the transport aborts an open stream', async () => {
    const outer = new AbortController();
    let inner: AbortSignal | undefined;
    const fetch = withPerRequestSignal((_url, init) => ((inner = init!.signal!), Promise.resolve(responseWith('text/event-stream'))));
    await fetch('http://127.0.0.1/mcp', { signal: outer.signal });
    expect(inner!.aborted).toBe(false);
    outer.abort(new Error('closed'));
    expect(inner!.aborted).toBe(true);
  });

  it('passes requests without a signal through and propagates an already-aborted signal', async () => {
    const calls: (AbortSignal | null | undefined)[] = [];
    const fetch = withPerRequestSignal((_url, init) => (calls.push(init?.signal), Promise.resolve(responseWith('application/json'))));
    await fetch('http://127.0.0.1/mcp');
    await fetch('http://127.0.0.1/mcp', { signal: AbortSignal.abort() });
    expect(calls[0]).toBeUndefined();
    expect(calls[1]!.aborted).toBe(true);
  });
});
