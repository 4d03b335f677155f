import { manifestEntry } from './manifest-entry.js';
import { gitignoreSource, packageJsonSource, tsconfigSource, vitestConfigSource } from './project-files.js';
import { readmeSource } from './readme-source.js';
import { httpServerSource } from './server-http.js';
import { stdioServerSource } from './server-stdio.js';
import { serverTestSource } from './test-source.js';
import type { ScaffoldFile, ScaffoldOptions } from './types.js';

/** The file a scaffold writes its manifest entry to. */
export const MANIFEST_ENTRY_FILE = 'manifest-entry.json';

/**
 * Every file of a new connector, in the order they are written: `package.json`, `tsconfig.json`,
 * `vitest.config.ts`, `.gitignore`, `src/server.ts`, `test/server.test.ts`, `README.md`,
 * `manifest-entry.json`. Pure: nothing is written.
 */
export function scaffoldFiles(options: ScaffoldOptions): ScaffoldFile[] {
  const server = options.transport === 'stdio' ? stdioServerSource(options.id) : httpServerSource(options.id);
  return [
    { path: 'package.json', content: packageJsonSource(options) },
    { path: 'tsconfig.json', content: tsconfigSource() },
    { path: 'vitest.config.ts', content: vitestConfigSource() },
    { path: '.gitignore', content: gitignoreSource() },
    { path: 'src/server.ts', content: server },
    { path: 'test/server.test.ts', content: serverTestSource(options.id, options.transport) },
    { path: 'README.md', content: readmeSource(options) },
    { path: MANIFEST_ENTRY_FILE, content: `${JSON.stringify(manifestEntry(options), null, 2)}\n` },
  ];
}
