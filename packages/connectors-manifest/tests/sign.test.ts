import { describe, expect, it } from 'vitest';
import {
  buildServiceMap,
  createKeySet,
  createSigner,
  generateSigningKey,
  parseManifest,
  signServiceMap,
  verifyInputFor,
  verifyServiceMap,
  STATUS_DISABLED_MESSAGE,
} from '@cortex-os/connectors-manifest';
import { HS_SECRET, sampleManifest } from './helpers.js';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const ID = '01KAQ3Z6W5J8Y4N2B7C9D0E1F2';

describe('buildServiceMap + sign + verify', () => {
  it('sorts connectors, marks disabled ones and sets expiry from the TTL', () => {
    const input = sampleManifest(3);
    input.connectors.reverse();
    const map = buildServiceMap(parseManifest(input), { now: NOW, id: ID, version: 7 });
    expect(map.connectors.map((c) => c.id)).toEqual(['conn-0000', 'conn-0001', 'conn-0002']);
    expect(map.connectors[2]).toMatchObject({
      enabled: false,
      status: 'disabled',
      statusMessage: STATUS_DISABLED_MESSAGE,
    });
    expect(map.expiresAt).toBe('2026-11-22T10:05:00.000Z');
    expect(map).toMatchObject({
      brand: 'brAInwav',
      version: 7,
      manifestId: 'brainwav-test',
      ttlSeconds: 300,
    });
  });

  it('signs deterministically for a fixed clock, key and id', async () => {
    const unsigned = buildServiceMap(parseManifest(sampleManifest(2)), { now: NOW, id: ID, version: 1 });
    const signer = await createSigner({ alg: 'HS256', secret: HS_SECRET });
    const a = await signer.sign(unsigned);
    const b = await signer.sign(structuredClone(unsigned));
    expect(a).toBe(b);
    expect(a).toMatch(/^eyJ[\w-]+\.\.[\w-]{43}$/);
  });

  it('round-trips HS256 and freshly generated EdDSA keys; the other key is BAD_SIGNATURE or KEY_UNKNOWN', async () => {
    const unsigned = buildServiceMap(parseManifest(sampleManifest(3)), { now: NOW, id: ID, version: 1 });
    const ed = await generateSigningKey('EdDSA');
    const hs = { alg: 'HS256', secret: HS_SECRET } as const;
    for (const signing of [hs, ed.signing]) {
      const map = await signServiceMap(unsigned, await createSigner(signing));
      const keys = await createKeySet([verifyInputFor(signing)]);
      const ok = await verifyServiceMap(JSON.stringify(map), { keys, now: NOW });
      expect(ok.ok).toBe(true);
    }
    const edMap = await signServiceMap(unsigned, await createSigner(ed.signing));
    const wrong = await createKeySet([{ alg: 'HS256', secret: HS_SECRET }]);
    const result = await verifyServiceMap(JSON.stringify(edMap), { keys: wrong, now: NOW });
    expect(result).toMatchObject({ ok: false, code: 'KEY_UNKNOWN' });
  });

  it('rejects a short HS256 secret naming its length, never the secret', async () => {
    await expect(createSigner({ alg: 'HS256', secret: 'short-secret' })).rejects.toThrowError(
      'brAInwav: HS256 secret must be at least 32 bytes (got 12)',
    );
  });

  it('refuses a private JWK as a verify key and a kid configured twice', async () => {
    const ed = await generateSigningKey('EdDSA');
    if (ed.signing.alg !== 'EdDSA') throw new Error('expected EdDSA');
    await expect(createKeySet([{ alg: 'EdDSA', publicJwk: ed.signing.privateJwk }])).rejects.toMatchObject({
      code: 'KEY_INVALID',
    });
    await expect(
      createKeySet([
        { alg: 'HS256', secret: HS_SECRET, kid: 'k1' },
        { alg: 'EdDSA', publicJwk: (ed.verify as { publicJwk: object }).publicJwk, kid: 'k1' },
      ]),
    ).rejects.toThrowError('brAInwav: kid "k1" is configured twice');
  });

  it('reports TOO_LARGE and SCHEMA', async () => {
    const unsigned = buildServiceMap(parseManifest(sampleManifest(1)), { now: NOW, id: ID, version: 1 });
    const keys = await createKeySet([{ alg: 'HS256', secret: HS_SECRET }]);
    const signer = await createSigner({ alg: 'HS256', secret: HS_SECRET });
    const body = JSON.stringify(await signServiceMap(unsigned, signer));
    expect(await verifyServiceMap(body, { keys, now: NOW, maxBytes: 100 })).toMatchObject({
      ok: false,
      code: 'TOO_LARGE',
    });
    const bad = { ...unsigned, brand: 'other' };
    const badBody = JSON.stringify({ ...bad, signature: await signer.sign(bad as never) });
    expect(await verifyServiceMap(badBody, { keys, now: NOW })).toMatchObject({ ok: false, code: 'SCHEMA' });
  });
});
