import { describe, expect, it } from 'vitest';
import { createKeyIndexMatcher, createKeyMatcher, keyId, presentedKey } from '../src/index.js';
import { createKeyAuthenticator } from '../src/authenticator.js';

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

describe('createKeyIndexMatcher', () => {
  it('answers the index of the matching key, -1 for none, whatever the order', () => {
    const indexOf = createKeyIndexMatcher(['first-key-0123456789', 'second-key-0123456789']);
    expect(indexOf('second-key-0123456789')).toBe(1);
    expect(indexOf('first-key-0123456789')).toBe(0);
    expect(indexOf('first-key-012345678')).toBe(-1);
  });

  it("gives the authenticator one precomputed principal per key: the key's id and the scope", () => {
    const auth = createKeyAuthenticator({
      api: { keys: ['k-one-0123456789', 'k-two-0123456789'], label: 'x' },
    });
    const request = (key: string) => ({ headers: { authorization: `Bearer ${key}` } }) as never;
    const a = auth.authenticate(request('k-two-0123456789'), 'api');
    const b = auth.authenticate(request('k-two-0123456789'), 'api');
    expect(a).toEqual({
      ok: true,
      principal: {
        subject: keyId('k-two-0123456789'),
        roles: ['api'],
        scopes: [],
        claims: {},
        via: 'api-key',
      },
    });
    expect(b).toBe(a);
    expect(auth.authenticate(request('k-three-0123456789'), 'api')).toEqual({
      ok: false,
      failure: 'rejected',
    });
  });
});
