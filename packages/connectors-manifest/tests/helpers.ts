import type { ManifestInput } from '@cortex-os/connectors-manifest';

/** A valid manifest with `n` connectors (every third disabled) for tests. */
export function sampleManifest(n = 3): ManifestInput {
  return {
    id: 'brainwav-test',
    manifestVersion: '2026.11.22',
    brand: 'brAInwav',
    ttlSeconds: 300,
    connectors: Array.from({ length: n }, (_, i) => ({
      id: `conn-${String(i).padStart(4, '0')}`,
      version: '1.0.0',
      displayName: `Connector ${i}`,
      endpoint: `http://127.0.0.1:${7100 + (i % 50)}/mcp`,
      auth: { type: 'bearer' as const, secretRef: `env:CONN_${i}_TOKEN` },
      scopes: ['tools:read'],
      quotas: { perMinute: 60, perHour: 1000 },
      enabled: i % 3 !== 2,
      metadata: { brand: 'brAInwav' as const, owner: 'platform' },
    })),
  };
}

export const HS_SECRET = 'brainwav-unit-test-secret-0123456789-abcdef';
