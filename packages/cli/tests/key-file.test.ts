import { defaultHsKid, generateSigningKey } from '@cortex-os/connectors-manifest';
import { describe, expect, it } from 'vitest';
import { KeyConfigError, parseKeyFileText } from '../src/index.js';
import { HS_SECRET } from './helpers.js';

describe('parseKeyFileText', () => {
  it('a raw secret is an HS256 signing key (whitespace trimmed) that also verifies', () => {
    expect(parseKeyFileText(`  ${HS_SECRET}\n`, 'key file k')).toEqual({
      signing: { alg: 'HS256', secret: HS_SECRET },
      verify: [{ alg: 'HS256', secret: HS_SECRET }],
    });
  });

  it('dotenv lines: the JWK signs, every key verifies', async () => {
    const key = await generateSigningKey('EdDSA');
    const jwk = (key.signing as { privateJwk: object }).privateJwk;
    const text = `# comment\nCONNECTORS_SIGNING_JWK='${JSON.stringify(jwk)}'\nCONNECTORS_SIGNATURE_KEY=${HS_SECRET}\n`;
    const keys = parseKeyFileText(text, 'key file k');
    expect(keys.signing).toEqual({ alg: 'EdDSA', privateJwk: jwk });
    expect(keys.verify).toEqual([
      { alg: 'HS256', secret: HS_SECRET },
      { alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: (jwk as { x: string }).x } },
    ]);
  });

  it('a public JWK or a key array only verifies', async () => {
    const key = await generateSigningKey('EdDSA');
    const publicJwk = (key.verify as { publicJwk: object }).publicJwk;
    expect(parseKeyFileText(JSON.stringify(publicJwk), 'f')).toEqual({
      signing: undefined,
      verify: [{ alg: 'EdDSA', publicJwk }],
    });
    expect(parseKeyFileText(JSON.stringify([key.verify]), 'f')).toEqual({
      signing: undefined,
      verify: [key.verify],
    });
    expect(parseKeyFileText(JSON.stringify(key.verify), 'f')).toEqual({
      signing: undefined,
      verify: [key.verify],
    });
  });

  it('keygen --json output signs with its kid', async () => {
    const json = {
      alg: 'HS256',
      kid: await defaultHsKid(HS_SECRET),
      signing: { alg: 'HS256', secret: HS_SECRET, kid: 'custom-kid' },
    };
    expect(parseKeyFileText(JSON.stringify(json), 'f').signing).toEqual({
      alg: 'HS256',
      secret: HS_SECRET,
      kid: 'custom-kid',
    });
  });

  it.each([
    ['', 'brAInwav: key file k is empty'],
    ['{ "secret": "abcdefghijklmnop', 'brAInwav: key file k starts like JSON but is not valid JSON'],
    [
      '{"foo":"abcdefghijklmnop"}',
      'brAInwav: key file k holds JSON that is not a key, a JWK or a keygen --json output',
    ],
    ['short-secret-abc', 'brAInwav: key file k must be at least 32 bytes (got 16)'],
    [
      'CONNECTORS_SIGNATURE_KEY=short-secret-abc',
      'brAInwav: key file k: CONNECTORS_SIGNATURE_KEY must be at least 32 bytes (got 16)',
    ],
  ])('rejects %j with a message that never echoes the value', (text, message) => {
    const error = (() => {
      try {
        parseKeyFileText(text, 'key file k');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(KeyConfigError);
    expect(error).toMatchObject({ code: 'KEY_INVALID', message });
    expect((error as Error).message).not.toContain('abcdefghijklmnop');
  });
});
