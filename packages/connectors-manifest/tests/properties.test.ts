import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildServiceMap,
  createKeySet,
  createSigner,
  ConnectorsError,
  parseManifest,
  safeParseManifest,
  signServiceMap,
  verifyServiceMap,
  type KeySet,
  type Signer,
} from '@cortex-os/connectors-manifest';
import { HS_SECRET, sampleManifest } from './helpers.js';

const NOW = new Date('2026-11-22T10:00:00.000Z');

/** Re-serializes JSON with shuffled key order and random whitespace. */
function reshape(value: unknown, rnd: () => number): string {
  const ws = () => [' ', '\n', '\t', ''][Math.floor(rnd() * 4)]!;
  if (Array.isArray(value)) return `[${ws()}${value.map((v) => reshape(v, rnd)).join(`,${ws()}`)}${ws()}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(() => rnd() - 0.5);
    return `{${ws()}${entries.map(([k, v]) => `${JSON.stringify(k)}${ws()}:${ws()}${reshape(v, rnd)}`).join(`,${ws()}`)}}`;
  }
  return JSON.stringify(value);
}

async function setup(): Promise<{ signer: Signer; keys: KeySet; body: Record<string, unknown> }> {
  const signer = await createSigner({ alg: 'HS256', secret: HS_SECRET });
  const keys = await createKeySet([{ alg: 'HS256', secret: HS_SECRET }]);
  const unsigned = buildServiceMap(parseManifest(sampleManifest(3)), {
    now: NOW,
    id: '01KAQ3Z6W5J8Y4N2B7C9D0E1F2',
    version: 1,
  });
  return { signer, keys, body: await signServiceMap(unsigned, signer) };
}

describe('signature properties (fast-check)', () => {
  it('never depends on key order or whitespace', async () => {
    const { keys, body } = await setup();
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        let s = seed;
        const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
        const result = await verifyServiceMap(reshape(body, rnd), { keys, now: NOW });
        expect(result.ok).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('breaks when any signed field changes', async () => {
    const { keys, body } = await setup();
    const paths: string[][] = [];
    const walk = (v: unknown, path: string[]) => {
      if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...path, k]);
      else if (path[0] !== 'signature') paths.push(path);
    };
    walk(body, []);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.string({ minLength: 1, maxLength: 8 }),
        async (path, junk) => {
          const copy = structuredClone(body);
          let node = copy;
          for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
          const last = path.at(-1)!;
          const old = node[last];
          node[last] =
            typeof old === 'number' ? old + 1 : typeof old === 'boolean' ? !old : `${String(old)}${junk}`;
          const result = await verifyServiceMap(JSON.stringify(copy), { keys, now: NOW });
          expect(result).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('manifest validation properties (fast-check)', () => {
  it('random manifests either validate or fail with a path and a branded message, never an unbranded throw', () => {
    const base = sampleManifest(2);
    const mutation = fc.record({
      connectorIndex: fc.integer({ min: 0, max: 1 }),
      key: fc.constantFrom(
        'id',
        'version',
        'endpoint',
        'auth',
        'scopes',
        'ttlSeconds',
        'quotas',
        'enabled',
        'metadata',
        'headers',
        'transport',
      ),
      value: fc.anything(),
    });
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 4 }), fc.anything(), (mutations, rootJunk) => {
        const input = structuredClone(base) as unknown as { connectors: Record<string, unknown>[] };
        for (const m of mutations) input.connectors[m.connectorIndex]![m.key] = m.value;
        for (const candidate of [input, rootJunk]) {
          let result;
          try {
            result = safeParseManifest(candidate);
          } catch (error) {
            expect(error).toBeInstanceOf(ConnectorsError);
            continue;
          }
          if (!result.ok) {
            expect(result.error.message).toMatch(/^brAInwav: /);
            expect(result.error.issues.length).toBeGreaterThan(0);
            for (const issue of result.error.issues) expect(typeof issue.path).toBe('string');
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
