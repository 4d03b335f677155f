import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createKeySet, createSigner, verifyServiceMap, type KeySet } from '@cortex-os/connectors-manifest';

interface Vector {
  name: string;
  now: string;
  bodyText: string;
  expect: string;
  lastVersion?: number;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/service-map-signature.json', import.meta.url), 'utf8'),
) as {
  keys: {
    hs256: { kid: string; secretUtf8: string };
    eddsa: { kid: string; publicJwk: Record<string, string>; privateJwk: Record<string, string> };
  };
  vectors: Vector[];
};

async function vectorKeys(): Promise<KeySet> {
  return createKeySet([
    { alg: 'HS256', secret: fixture.keys.hs256.secretUtf8 },
    { alg: 'EdDSA', publicJwk: fixture.keys.eddsa.publicJwk },
  ]);
}

describe('interop vectors (tests/fixtures/service-map-signature.json)', () => {
  it('derives the vector kids by default', async () => {
    const keys = await vectorKeys();
    expect(keys.kids().sort()).toEqual([fixture.keys.eddsa.kid, fixture.keys.hs256.kid].sort());
  });

  it.each(fixture.vectors.map((v) => [v.name, v] as const))('%s', async (_name, vector) => {
    const result = await verifyServiceMap(vector.bodyText, {
      keys: await vectorKeys(),
      now: new Date(vector.now),
      ...(vector.lastVersion !== undefined ? { lastVersion: vector.lastVersion } : {}),
    });
    expect(result.ok ? 'VALID' : result.code).toBe(vector.expect);
    if (!result.ok) expect(result.message).toMatch(/^brAInwav: /);
  });

  it('reproduces the valid vectors byte for byte when signing the same body', async () => {
    for (const [name, signing] of [
      ['valid-hs256', { alg: 'HS256', secret: fixture.keys.hs256.secretUtf8 }],
      ['valid-eddsa', { alg: 'EdDSA', privateJwk: fixture.keys.eddsa.privateJwk }],
    ] as const) {
      const vector = fixture.vectors.find((v) => v.name === name)!;
      const { signature, ...body } = JSON.parse(vector.bodyText) as Record<string, unknown>;
      const signer = await createSigner(signing);
      expect(await signer.sign(body as never)).toBe(signature);
    }
  });
});
