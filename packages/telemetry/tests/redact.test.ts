import { describe, expect, it } from 'vitest';
import { createRedactingDestination, redactSecrets } from '../src/index.js';
import { capture } from './capture.js';

describe('redactSecrets', () => {
  it('replaces every occurrence of every secret', () => {
    expect(redactSecrets('key=abcd1234 again abcd1234 and zzzz9999', ['abcd1234', 'zzzz9999'])).toBe(
      'key=[REDACTED] again [REDACTED] and [REDACTED]',
    );
  });

  it('ignores secrets shorter than 4 characters', () => {
    expect(redactSecrets('a abc abcd', ['abc', 'a'])).toBe('a abc abcd');
  });

  it('prefers the longest secret when one contains another', () => {
    expect(redactSecrets('token-long-value', ['token', 'token-long-value'])).toBe('[REDACTED]');
  });

  it('treats regex metacharacters literally', () => {
    expect(redactSecrets('x a.b*c+d x axbbcd', ['a.b*c+d'])).toBe('x [REDACTED] x axbbcd');
  });

  it('returns the text unchanged without usable secrets', () => {
    expect(redactSecrets('nothing here', [])).toBe('nothing here');
  });
});

describe('createRedactingDestination', () => {
  it('returns the inner destination when there is nothing to redact', () => {
    const inner = capture();
    expect(createRedactingDestination(inner, ['ab'])).toBe(inner);
  });

  it('redacts the JSON-escaped form of a secret', () => {
    const inner = capture();
    const secret = 'se"cr\\et';
    createRedactingDestination(inner, [secret]).write(`${JSON.stringify({ v: `x${secret}y` })}\n`);
    expect(inner.lines[0]).toBe('{"v":"x[REDACTED]y"}\n');
  });
});
