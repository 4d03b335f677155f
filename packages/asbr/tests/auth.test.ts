import { describe, expect, it } from 'vitest';
import { createKeyMatcher, presentedKey } from '../src/index.js';

describe('presentedKey', () => {
  it.each([
    [{ authorization: 'Bearer abc' }, 'abc'],
    [{ authorization: 'bearer   abc ' }, 'abc'],
    [{ authorization: 'Basic abc' }, undefined],
    [{ authorization: 'Bearer ' }, undefined],
    [{ 'x-api-key': ' k1 ' }, 'k1'],
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
});
