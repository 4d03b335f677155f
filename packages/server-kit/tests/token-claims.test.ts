import { describe, expect, it } from 'vitest';
import { OAuthError } from '@modelcontextprotocol/server';
import { comparableResource, TokenCache, verifiedTokenOf, type Expiring } from '../src/index.js';

const claims = {
  iss: 'https://as.example',
  sub: 'alice',
  aud: ['https://gw.example/mcp/', 'https://gw.example/v1/connectors#x'],
  exp: 2_000_000_000,
  client_id: 'cli',
  roles: ['support'],
  scope: 'a  b',
  org: { id: 'acme', teams: ['t1'] },
};

function reason(payload: Record<string, unknown>): string {
  try {
    verifiedTokenOf(payload, 'roles');
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    return (error as OAuthError).message;
  }
  throw new Error('expected invalid_token');
}

describe('verifiedTokenOf', () => {
  it('maps claims to a deep-frozen principal and comparable audiences', () => {
    const verified = verifiedTokenOf(structuredClone(claims), 'roles');
    expect(verified.principal).toEqual({
      subject: 'alice',
      roles: ['support'],
      scopes: ['a', 'b'],
      claims,
      via: 'oauth',
    });
    expect(verified.outcome).toEqual({ ok: true, principal: verified.principal });
    expect(verified.audiences).toEqual(['https://gw.example/mcp', 'https://gw.example/v1/connectors']);
    expect(verified.clientId).toBe('cli');
    const org = verified.principal.claims.org as { teams: string[] };
    expect(Object.isFrozen(verified.principal.claims)).toBe(true);
    expect(Object.isFrozen(org.teams)).toBe(true);
    expect(() => org.teams.push('t2')).toThrow(TypeError);
  });

  it.each([
    [{ sub: undefined }, 'Token has no sub claim'],
    [{ aud: [] }, 'Token has no aud claim'],
    [{ roles: [1] }, 'Token claim roles is neither a string nor an array of strings'],
    [{ scope: undefined, scp: { a: 1 } }, 'Token claim scp is neither a string nor an array of strings'],
  ])('refuses %j', (change, message) => {
    expect(reason({ ...claims, ...change })).toBe(message);
  });
});

describe('comparableResource', () => {
  it('drops a fragment and one trailing slash', () => {
    expect(comparableResource('https://h/mcp/#f')).toBe('https://h/mcp');
    expect(comparableResource('https://h/')).toBe('https://h');
  });
});

describe('TokenCache', () => {
  it('answers entries until exp only, and evicts the least recently used', () => {
    const cache = new TokenCache<Expiring>(2);
    cache.set('a', { exp: 100 });
    cache.set('b', { exp: 200 });
    expect(cache.get('a', 99_999)).toEqual({ exp: 100 });
    cache.set('c', { exp: 300 }); // evicts b
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 100_000)).toBeUndefined(); // at exp: gone
    expect(cache.size).toBe(1);
    const none = new TokenCache<Expiring>(0);
    none.set('a', { exp: 100 });
    expect(none.size).toBe(0);
  });
});
