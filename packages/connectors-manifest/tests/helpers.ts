import { safeParseManifest, type ManifestInput } from '@cortex-os/connectors-manifest';

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

/** The sample stdio entry of issue 12 (valid as written: defaults omitted). */
export function sampleStdioEntry(): Record<string, unknown> {
  return {
    id: 'memory',
    version: '1.0.0',
    displayName: 'Memory',
    transport: 'stdio',
    command: 'node',
    args: ['/abs/server-memory/dist/index.js'],
    env: { MEMORY_FILE_PATH: { secretRef: 'env:CONNECTOR_MEMORY_FILE' } },
    limits: { memoryMb: 256 },
    auth: { type: 'none' },
    scopes: ['tools:call'],
    quotas: { perMinute: 60, perHour: 1000 },
  };
}

/** A manifest of `sampleManifest(n)` plus stdio entries (given as written). */
export function manifestWith(...stdio: Record<string, unknown>[]): ManifestInput {
  const base = sampleManifest(1);
  return { ...base, connectors: [...base.connectors, ...(stdio as never[])] };
}

/** Every issue of an invalid manifest as `<path> <message>`. */
export function issuesOf(input: unknown): string[] {
  const result = safeParseManifest(input);
  if (result.ok) throw new Error('expected the manifest to be invalid');
  return result.error.issues.map((i) => `${i.path} ${i.message}`);
}
