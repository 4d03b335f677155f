import { describe, expect, it } from 'vitest';
import { createKeyMatcher, keyId, presentedKey } from '../src/index.js';

describe('presentedKey', () => {
  it.each([
    [{ authorization: 'Bearer abc' }, 'abc'],
    [{ authorization: 'bearer   abc ' }, 'abc'],
    [{ authorization: 'Basic abc' }, undefined],
    [{ authorization: 'Bearer ' }, undefined],
    [{ 'x-api-key': ' k1 ' }, 'k1'],
    [{ 'x-api-key': ['k2', 'k3'] }, 'k2'],
    [{ authorization: 'Bearer b', 'x-api-key': 'x' }, 'b'],
    [{ authorization: 'Basic abc', 'x-api-key': 'x' }, 'x'],
    [{}, undefined],
  ])('reads %j as %s', (headers, expected) => {
    expect(presentedKey({ headers })).toBe(expected);
  });
});

describe('createKeyMatcher', () => {
  it('matches any configured key exactly and nothing else', () => {
    const matches = createKeyMatcher(['alpha-key', 'bravo-key']);
    expect(['alpha-key', 'bravo-key', 'alpha-ke', 'alpha-keyy', '', 'ALPHA-KEY'].map(matches)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('matches nothing when no key is configured', () => {
    expect(createKeyMatcher([])('anything')).toBe(false);
  });
});

describe('keyId', () => {
  it('is key- plus 8 hex of the SHA-256, stable and never the key', () => {
    expect(keyId('alpha-key')).toBe('key-67750979'); // first 8 hex of sha256("alpha-key")
    expect(keyId('alpha-key')).toBe(keyId('alpha-key'));
    expect(keyId('alpha-key')).not.toBe(keyId('bravo-key'));
    expect(keyId('alpha-key')).not.toContain('alpha');
  });
});
