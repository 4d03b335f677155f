import { calculateJwkThumbprint, importJWK, SignJWT, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateDevAuthJwks, parseDevAuthJwks, publicDevAuthJwks } from '../src/index.js';
import { testJwks } from './helpers.js';

describe('generateDevAuthJwks', () => {
  it('makes one RS256 private key with a thumbprint kid that signs and verifies', async () => {
    const jwks = await generateDevAuthJwks();
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    for (const member of ['n', 'd', 'p', 'q', 'dp', 'dq', 'qi'])
      expect(typeof key![member as 'd']).toBe('string');
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = key!;
    expect(key!.kid).toBe(`dev-auth-${(await calculateJwkThumbprint(publicPart)).slice(0, 16)}`);
    const token = await new SignJWT({ ok: true })
      .setProtectedHeader({ alg: 'RS256', kid: key!.kid })
      .sign(await importJWK(key!, 'RS256'));
    const [pub] = publicDevAuthJwks(jwks).keys;
    expect(pub).not.toHaveProperty('d');
    const { payload } = await jwtVerify(token, await importJWK(pub!, 'RS256'));
    expect(payload.ok).toBe(true);
  });
});

describe('parseDevAuthJwks', () => {
  it('round-trips its JSON text (what .env.local holds)', async () => {
    const jwks = await testJwks();
    expect(parseDevAuthJwks(JSON.stringify(jwks))).toEqual(jwks);
  });

  it.each([
    ['not json', 'DEV_AUTH_JWKS is not JSON (expected {"keys":[<private RSA JWK>]})'],
    ['{"keys":[]}', 'DEV_AUTH_JWKS must be a JWKS {"keys":[...]} with a key'],
    [
      '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"abc"}]}',
      'DEV_AUTH_JWKS keys[0] must be an RSA JWK (kty "RSA")',
    ],
  ])('refuses %s', (text, message) => {
    expect(() => parseDevAuthJwks(text)).toThrow(`brAInwav: ${message}`);
  });

  it('refuses a public-only key and a key without kid, never printing key material', async () => {
    const [key] = (await testJwks()).keys;
    const { d: _d, ...noD } = key!;
    expect(() => parseDevAuthJwks({ keys: [noD] })).toThrow(
      'brAInwav: DEV_AUTH_JWKS keys[0] is missing the private RSA member "d"',
    );
    const { kid: _kid, ...noKid } = key!;
    let message = '';
    try {
      parseDevAuthJwks({ keys: [noKid] }, 'jwks');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('brAInwav: jwks keys[0] must have a kid');
    expect(message).not.toContain(key!.d!);
  });

  it('refuses another alg', async () => {
    const [key] = (await testJwks()).keys;
    expect(() => parseDevAuthJwks({ keys: [{ ...key, alg: 'PS256' }] })).toThrow(
      'brAInwav: DEV_AUTH_JWKS keys[0] alg must be RS256',
    );
  });
});
