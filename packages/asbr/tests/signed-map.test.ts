import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ifNoneMatchHits, remainingSeconds, strongEtag } from '../src/index.js';

describe('signed-map helpers', () => {
  it('strongEtag is the quoted base64url SHA-256 of the bytes', () => {
    const bytes = Buffer.from('{"a":1}');
    expect(strongEtag(bytes)).toBe(`"${createHash('sha256').update(bytes).digest('base64url')}"`);
  });

  it.each([
    [undefined, false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    [['"x"', '"abc"'], true],
    ['*', true],
    ['"abcd"', false],
    ['abc', false],
  ])('If-None-Match %j → %s', (header, hit) => {
    expect(ifNoneMatchHits(header, '"abc"')).toBe(hit);
  });

  it('remainingSeconds floors and never goes negative', () => {
    expect([
      remainingSeconds(10_000, 0),
      remainingSeconds(10_000, 1),
      remainingSeconds(10_000, 10_000),
      remainingSeconds(10_000, 20_000),
    ]).toEqual([10, 9, 0, 0]);
  });
});
