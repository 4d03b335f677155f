import { SCAFFOLD_VERSIONS } from './versions.js';
import { SCAFFOLD_VERSION, packageNameOf, type ScaffoldOptions } from './types.js';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function pick(names: readonly (keyof typeof SCAFFOLD_VERSIONS)[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, SCAFFOLD_VERSIONS[name]]));
}

/**
 * `package.json`: ESM, a bin (the built server, so `npx <package>` runs it once published), scripts
 * `start`, `test`, `build`, `typecheck`, and dependencies pinned to this repository's lockfile versions.
 */
export function packageJsonSource(options: ScaffoldOptions): string {
  const name = packageNameOf(options.id);
  return json({
    name,
    version: SCAFFOLD_VERSION,
    description: `brAInwav MCP connector ${options.id} (${options.transport})`,
    type: 'module',
    license: 'UNLICENSED',
    bin: { [name]: './dist/server.js' },
    files: ['dist'],
    engines: { node: '>=20' },
    scripts: {
      start: 'tsx src/server.ts',
      test: 'vitest run',
      build: 'tsc -p tsconfig.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      prepublishOnly: 'npm run build && npm test',
    },
    dependencies: pick(['@modelcontextprotocol/server', 'tsx', 'zod']),
    devDependencies: pick(['@modelcontextprotocol/client', '@types/node', 'typescript', 'vitest']),
  });
}

/** `tsconfig.json`: strict NodeNext, `src/` built to `dist/` (the bin). */
export function tsconfigSource(): string {
  return json({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      isolatedModules: true,
      skipLibCheck: true,
      types: ['node'],
      rootDir: 'src',
      outDir: 'dist',
      sourceMap: true,
    },
    include: ['src'],
  });
}

/** `vitest.config.ts`: `test/**` with room for a child process to start. */
export function vitestConfigSource(): string {
  return `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
});
`;
}

/** `.gitignore` of the connector. */
export function gitignoreSource(): string {
  return 'node_modules/\ndist/\n';
}
