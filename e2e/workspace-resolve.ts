import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vitest/config';

/** Export condition under which every workspace package points at its TypeScript source (see vitest.shared.ts). */
const SOURCE_CONDITION = '@cortex-os/source';

type Exports = Record<string, Record<string, string> | string>;

function workspacePackages(root: string): Map<string, { dir: string; exports: Exports }> {
  const found = new Map<string, { dir: string; exports: Exports }>();
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const manifest = join(root, group, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; exports?: Exports };
      found.set(pkg.name, { dir: join(root, group, name), exports: pkg.exports ?? {} });
    }
  }
  return found;
}

/**
 * Resolves `@cortex-os/<name>[/<subpath>]` imports made from `importerDir` through the package's public
 * `exports` (its `@cortex-os/source` entry), exactly as a workspace dependency would resolve. The root
 * e2e folder is not a workspace package, so it has no `node_modules` links of its own; this keeps it from
 * reaching into other packages by deep relative paths.
 * @param root - repository root.
 * @param importerDir - only imports from files under this directory are handled.
 */
export function workspaceSourceResolver(root: string, importerDir: string): Plugin {
  const packages = workspacePackages(root);
  return {
    name: 'brainwav-e2e-workspace-resolve',
    enforce: 'pre',
    resolveId(id, importer) {
      if (!importer?.startsWith(importerDir)) return null;
      const match = /^(@cortex-os\/[^/]+)(\/.+)?$/.exec(id);
      const pkg = match ? packages.get(match[1]!) : undefined;
      if (!match || !pkg) return null;
      const entry = pkg.exports[`.${match[2] ?? ''}`];
      const target = typeof entry === 'string' ? entry : entry?.[SOURCE_CONDITION];
      return target ? join(pkg.dir, target) : null;
    },
  };
}
