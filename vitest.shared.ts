import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config';

/** Export condition under which every workspace package points at its TypeScript source. */
export const SOURCE_CONDITION = '@cortex-os/source';

const conditions = [SOURCE_CONDITION, 'node', 'development|production'];

/**
 * Vitest config shared by every package: resolves workspace packages to their `src/` through the
 * `@cortex-os/source` export condition, so tests never need a prior build.
 */
export function definePackageConfig(name: string, extra: ViteUserConfig = {}): ViteUserConfig {
  return mergeConfig(
    defineConfig({
      resolve: { conditions },
      ssr: { resolve: { conditions, externalConditions: [SOURCE_CONDITION] } },
      test: {
        name,
        include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
        environment: 'node',
        testTimeout: 30_000,
        hookTimeout: 60_000,
        coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary', 'json-summary'] },
      },
    }),
    extra,
  );
}
