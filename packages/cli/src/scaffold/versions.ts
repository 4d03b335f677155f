/**
 * Versions the scaffold pins in a new connector's `package.json`: exactly the versions this repository's
 * `pnpm-lock.yaml` resolves (a test fails when they drift apart).
 */
export const SCAFFOLD_VERSIONS = {
  '@modelcontextprotocol/server': '2.4.0',
  '@modelcontextprotocol/client': '2.4.0',
  zod: '4.6.7',
  tsx: '4.23.15',
  typescript: '5.9.3',
  vitest: '4.1.12',
  '@types/node': '20.19.43',
} as const;

/** A package the scaffold pins. */
export type ScaffoldPackage = keyof typeof SCAFFOLD_VERSIONS;
