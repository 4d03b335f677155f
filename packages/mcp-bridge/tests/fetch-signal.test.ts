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
    outer.signal.addEventListener = (...args: Parameters<typeof add>) => (added++, add(...args));
    outer.signal.removeEventListener = (...args: Parameters<typeof remove>) => (removed++, remove(...args));
    const seen: AbortSignal[] = [];
    const fetch = withPerRequestSignal(
      (_url, init) => (seen.push(init!.signal!), Promise.resolve(responseWith('application/json'))),
    );
    for (let i = 0; i < 50; i++) await (await fetch('http://127.0.0.1/mcp', { signal: outer.signal })).text();
    expect([added, removed]).toEqual([50, 50]);
    expect(seen.every((s) => s !== outer.signal)).toBe(true);
  });

  it('keeps an unread stream linked (closing the transport aborts it) and unlinks once it is read or cancelled', async () => {
    const outer = new AbortController();
    const signals: AbortSignal[] = [];
    const fetch = withPerRequestSignal(
      (_url, init) => (signals.push(init!.signal!), Promise.resolve(responseWith('text/event-stream'))),
    );
    await fetch('http://127.0.0.1/mcp', { signal: outer.signal });
    const read = await fetch('http://127.0.0.1/mcp', { signal: outer.signal });
    expect(await read.text()).toBe('{}');
    const cancelled = await fetch('http://127.0.0.1/mcp', { signal: outer.signal });
    await cancelled.body!.cancel();
    outer.abort(new Error('closed'));
    expect(signals.map((s) => s.aborted)).toEqual([true, false, false]);
  });

  it('passes requests without a signal through and propagates an already-aborted signal', async () => {
    const calls: (AbortSignal | null | undefined)[] = [];
    const fetch = withPerRequestSignal(
      (_url, init) => (calls.push(init?.signal), Promise.resolve(responseWith('application/json'))),
    );
    await fetch('http://127.0.0.1/mcp');
    await fetch('http://127.0.0.1/mcp', { signal: AbortSignal.abort() });
    expect(calls[0]).toBeUndefined();
    expect(calls[1]!.aborted).toBe(true);
  });
});
