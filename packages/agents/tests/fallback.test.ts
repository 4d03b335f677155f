import { describe, expect, it } from 'vitest';
import { parseFallback, policyFor, retryDelayMs } from '../src/fallback.js';
import { resultText } from '../src/invoke.js';

describe('fallback config', () => {
  it('applies defaults and resolves tool → connector → default → fail', () => {
    const f = parseFallback({
      default: { policy: 'retry' },
      connectors: { a: { policy: 'approval' } },
      tools: { a__echo: { policy: 'alternate', connectors: ['b'] } },
    });
    expect(policyFor(f, 'a', 'a__echo')).toEqual({ policy: 'alternate', connectors: ['b'] });
    expect(policyFor(f, 'a', 'a__add')).toEqual({ policy: 'approval', when: 'always' });
    expect(policyFor(f, 'z', 'z__add')).toEqual({
      policy: 'retry',
      attempts: 3,
      backoffMs: 200,
      maxBackoffMs: 5_000,
    });
    expect(policyFor(parseFallback(undefined), 'z', 'z__add')).toEqual({ policy: 'fail' });
    expect([1, 2, 3, 9].map((n) => retryDelayMs({ backoffMs: 200, maxBackoffMs: 1_000 }, n))).toEqual([
      200, 400, 800, 1_000,
    ]);
  });

  it('names the bad path', () => {
    expect(() => parseFallback({ connectors: { a: { policy: 'alternate', connectors: [] } } })).toThrowError(
      /^brAInwav: fallback\.connectors\.a\.connectors /,
    );
    expect(() => parseFallback({ default: { policy: 'nope' } as never })).toThrowError(
      /^brAInwav: fallback\.default/,
    );
  });
});

describe('resultText', () => {
  it('joins text, marks images, falls back to structuredContent and brands upstream errors', () => {
    expect(
      resultText('a', 't', {
        content: [
          { type: 'text', text: 'one' },
          { type: 'image', data: 'AA', mimeType: 'image/png' },
        ],
      }),
    ).toBe('one\n[image image/png]');
    expect(resultText('a', 't', { content: [], structuredContent: { n: 1 } })).toBe('{"n":1}');
    expect(resultText('a', 't', { content: [{ type: 'text', text: 'boom' }], isError: true })).toBe(
      'brAInwav: tool "t" on connector "a" reported an error: boom',
    );
  });
});
