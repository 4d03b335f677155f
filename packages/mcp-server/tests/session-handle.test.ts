import { describe, expect, it } from 'vitest';
import { GatewayOptionError, parseSessionKeys, randomSessionKey, SessionSealer } from '../src/index.js';

const claims = {
  scope: 'everything',
  owner: 'api-key\0alice',
  init: {
    protocolVersion: '2025-11-25',
    capabilities: { sampling: {} },
    clientInfo: { name: 'c', version: '1' },
  },
  createdAtMs: 1_000,
};

describe('SessionSealer (AES-256-GCM session handles)', () => {
  it('round-trips the claims, unique per seal, and never reveals them in clear text', () => {
    const sealer = new SessionSealer([randomSessionKey()], 60_000, () => 2_000);
    const a = sealer.seal(claims);
    const b = sealer.seal(claims);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^s1\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('alice');
    expect(Buffer.from(a.slice(3), 'base64url').toString('latin1')).not.toContain('alice');
    expect(sealer.open(a)).toEqual(claims);
  });

  it('refuses every flipped byte, truncation, junk and an expired handle (undefined, never a throw)', () => {
    let now = 2_000;
    const sealer = new SessionSealer([randomSessionKey()], 60_000, () => now);
    const handle = sealer.seal(claims);
    const raw = Buffer.from(handle.slice(3), 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i] = bad[i]! ^ 0x01;
      expect(sealer.open(`s1.${bad.toString('base64url')}`)).toBeUndefined();
    }
    for (const junk of ['', 's1.', 's2.' + handle.slice(3), handle.slice(0, -1), 'x'.repeat(20_000), '💥'])
      expect(sealer.open(junk)).toBeUndefined();
    now = 1_000 + 60_001;
    expect(sealer.open(handle)).toBeUndefined();
  });

  it('rotation: the first key seals, every key opens; a dropped key no longer opens', () => {
    const [oldKey, newKey] = [randomSessionKey(), randomSessionKey()];
    const old = new SessionSealer([oldKey], 60_000, () => 2_000).seal(claims);
    const rotated = new SessionSealer([newKey, oldKey], 60_000, () => 2_000);
    expect(rotated.open(old)).toEqual(claims);
    const sealedNew = rotated.seal(claims);
    expect(new SessionSealer([newKey], 60_000, () => 2_000).open(sealedNew)).toEqual(claims);
    expect(new SessionSealer([newKey], 60_000, () => 2_000).open(old)).toBeUndefined();
  });

  it('validates keys: none or a wrong size is CONFIG_INVALID; parseSessionKeys names the bad position only', () => {
    expect(() => new SessionSealer([], 1)).toThrow(GatewayOptionError);
    expect(() => new SessionSealer([Buffer.alloc(16)], 1)).toThrow(
      /"sessionKeys"\[0\] must be 32 bytes \(got 16\)/,
    );
    const a = randomSessionKey();
    const b = randomSessionKey();
    expect(parseSessionKeys(` ${a.toString('base64')} , ${b.toString('base64url')} `)).toEqual([a, b]);
    expect(() => parseSessionKeys(`${a.toString('base64')},c2hvcnQ=`)).toThrow(
      'brAInwav: session key 2 must be 32 bytes of base64 (got 5 bytes)',
    );
    expect(() => parseSessionKeys('not base64!')).toThrow(/session key 1 .*got 0 bytes/);
  });
});
