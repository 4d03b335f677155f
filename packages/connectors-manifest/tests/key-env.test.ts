import { describe, expect, it } from 'vitest';
import {
  createKeySet,
  envKeySecrets,
  generateSigningKey,
  parseKeySetJson,
  verifyKeysFromEnv,
  type KeyEnv,
} from '@cortex-os/connectors-manifest';
import { HS_SECRET } from './helpers.js';

function thrownBy(fn: () => unknown): { code?: string; message: string; source?: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected a throw');
}

describe('verify keys accept public keys only', () => {
  it('refuses a publicJwk carrying "d" (or any private member) without echoing the value', async () => {
    const { signing } = await generateSigningKey('EdDSA');
    const privateJwk = signing.alg === 'EdDSA' ? signing.privateJwk : {};
    const d = String(privateJwk.d);
    const text = JSON.stringify([
      { alg: 'HS256', secret: HS_SECRET },
      { alg: 'EdDSA', publicJwk: privateJwk },
    ]);
    const direct = thrownBy(() => parseKeySetJson(text));
    expect(direct).toMatchObject({
      code: 'KEY_INVALID',
      message: 'brAInwav: verify keys entry 1: publicJwk must be a public key: remove "d"',
    });
    const env = thrownBy(() => verifyKeysFromEnv({ CONNECTORS_VERIFY_KEYS: text }));
    expect(env).toMatchObject({
      code: 'KEY_INVALID',
      source: 'CONNECTORS_VERIFY_KEYS',
      message: 'brAInwav: CONNECTORS_VERIFY_KEYS entry 1: publicJwk must be a public key: remove "d"',
    });
    const rsa = { kty: 'RSA', n: 'n', e: 'AQAB', p: 'p-secret', q: 'q-secret' };
    expect(thrownBy(() => parseKeySetJson(JSON.stringify([{ alg: 'EdDSA', publicJwk: rsa }]))).message).toBe(
      'brAInwav: verify keys entry 0: publicJwk must be a public key: remove "p", "q"',
    );
    const given = thrownBy(() => parseKeySetJson(JSON.stringify([{ alg: 'EdDSA', privateJwk }])));
    expect(given.message).toBe(
      'brAInwav: verify keys entry 0 must be a public key: give publicJwk (kty, crv, x), not privateJwk',
    );
    for (const error of [direct, env, given]) expect(JSON.stringify([error.message, error])).not.toContain(d);
    await expect(createKeySet([{ alg: 'EdDSA', publicJwk: privateJwk }])).rejects.toThrowError(
      'brAInwav: EdDSA verify key must be a public key: remove "d"',
    );
  });

  it('takes the private JWK for signing and derives its public half for verification', async () => {
    const { signing, kid } = await generateSigningKey('EdDSA');
    const jwk = signing.alg === 'EdDSA' ? signing.privateJwk : {};
    const env: KeyEnv = {
      CONNECTORS_SIGNING_JWK: JSON.stringify(jwk),
      CONNECTORS_SIGNATURE_KEY: HS_SECRET,
      CONNECTORS_VERIFY_KEYS: JSON.stringify([{ alg: 'HS256', secret: HS_SECRET }]),
    };
    const keys = verifyKeysFromEnv(env);
    expect(keys).toEqual([
      { alg: 'HS256', secret: HS_SECRET },
      { alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } },
    ]);
    expect(JSON.stringify(keys)).not.toContain(String(jwk.d));
    expect((await createKeySet(keys)).kids()).toContain(kid);
    expect(envKeySecrets(env)).toEqual(expect.arrayContaining([HS_SECRET, String(jwk.d)]));
  });

  it('names the variable of each malformed key (never its value)', () => {
    const cases: [KeyEnv, string][] = [
      [
        { CONNECTORS_SIGNATURE_KEY: 'short-secret-value' },
        'CONNECTORS_SIGNATURE_KEY must be at least 32 bytes (got 18)',
      ],
      [
        { CONNECTORS_SIGNING_JWK: 'private-not-json' },
        'CONNECTORS_SIGNING_JWK must be an Ed25519 private JWK as JSON; it is not valid JSON',
      ],
      [
        { CONNECTORS_SIGNING_JWK: '{"kty":"OKP","crv":"Ed25519","x":"abc"}' },
        'CONNECTORS_SIGNING_JWK must be an Ed25519 private JWK (kty "OKP", crv "Ed25519", base64url x and d)',
      ],
      [
        { CONNECTORS_VERIFY_KEYS: '{"secret":"hidden-value"}' },
        'CONNECTORS_VERIFY_KEYS must be a JSON array',
      ],
    ];
    for (const [env, message] of cases) {
      const error = thrownBy(() => verifyKeysFromEnv(env));
      expect(error).toMatchObject({ code: 'KEY_INVALID', message: `brAInwav: ${message}` });
      expect(error.message).not.toMatch(/short-secret-value|private-not-json|hidden-value/);
    }
  });
});
