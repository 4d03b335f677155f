import { describe, expect, it } from 'vitest';
import { createLogger, JWK_REDACT_PATHS } from '../src/index.js';
import { capture } from './capture.js';

const D = 'r7HauX9tUd5EmooLHHJ59znswQ7FC40ciKa2wGwefbI';
const X = 'OhX4iH7sgty5wfocCbkjutSOMP1v15p8_mHKcu6w0GE';
const JWK = { kty: 'OKP', crv: 'Ed25519', x: X, d: D };

describe('JWK private members are redacted', () => {
  it('censors d (and the other private members) of a JWK logged under the usual names, no secrets configured', () => {
    const out = capture();
    const logger = createLogger({ component: 'keys', destination: out });
    logger.info({ jwk: JWK }, 'jwk');
    logger.info({ privateJwk: JWK, publicJwk: { ...JWK } }, 'both');
    logger.info({ signingKey: { alg: 'EdDSA', privateJwk: JWK } }, 'signing key');
    logger.info({ config: { signingKey: { alg: 'EdDSA', privateJwk: JWK } } }, 'config');
    logger.info(
      { jwk: { kty: 'RSA', n: 'n', e: 'AQAB', p: 'p-part-secret', q: 'q-part-secret', k: 'oct-secret' } },
      'rsa',
    );
    expect(out.lines).toHaveLength(5);
    const text = out.lines.join('');
    for (const secret of [D, 'p-part-secret', 'q-part-secret', 'oct-secret'])
      expect(text).not.toContain(secret);
    expect(out.records()[0]).toMatchObject({ jwk: { kty: 'OKP', crv: 'Ed25519', x: X, d: '[REDACTED]' } });
    expect(out.records()[2]).toMatchObject({ signingKey: { privateJwk: { x: X, d: '[REDACTED]' } } });
    expect(JWK_REDACT_PATHS).toContain('privateJwk.d');
  });

  it('with d among the secrets, the raw value never shows (message, any field, error)', () => {
    const out = capture();
    const logger = createLogger({ component: 'keys', destination: out, secrets: [D] });
    logger.info({ somewhere: { deep: { inside: D } } }, `raw d ${D}`);
    logger.error({ err: new Error(`bad key ${D}`) }, 'failed');
    logger.info(JWK, 'merged jwk');
    expect(out.lines).toHaveLength(3);
    expect(out.lines.join('')).not.toContain(D);
    expect(out.records()[0]?.msg).toBe('raw d [REDACTED]');
  });
});
