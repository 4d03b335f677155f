/** Synthetic manifests for the asbr benchmarks. */
export function syntheticManifest(count: number): Record<string, unknown> {
  const connectors = Array.from({ length: count }, (_, i) => ({
    id: `connector-${String(i).padStart(4, '0')}`,
    version: '1.0.0',
    displayName: `Connector ${i}`,
    description: `Synthetic connector number ${i} for the brAInwav asbr benchmark.`,
    endpoint: `http://127.0.0.1:${8000 + (i % 1000)}/mcp`,
    transport: i % 5 === 0 ? 'sse' : 'streamable-http',
    auth: i % 3 === 0 ? { type: 'none' } : { type: 'bearer', secretRef: `env:CONNECTOR_${i}_TOKEN` },
    headers: { 'X-Client': 'cortex-os' },
    scopes: ['tools:read', 'tools:call'],
    ttlSeconds: 300,
    quotas: { perMinute: 60, perHour: 1000 },
    enabled: i % 10 !== 9,
    metadata: { brand: 'brAInwav', owner: 'bench', index: i },
  }));
  return {
    id: 'brainwav-bench',
    manifestVersion: `bench-${count}`,
    brand: 'brAInwav',
    ttlSeconds: 300,
    connectors,
  };
}

export const BENCH_API_KEY = 'asbr-bench-api-key-0001-not-for-prod';
export const BENCH_SIGNING_KEY = 'asbr-bench-signing-key-0001-not-for-production-use';
