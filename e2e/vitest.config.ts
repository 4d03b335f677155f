import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { definePackageConfig } from '../vitest.shared.js';
import { workspaceSourceResolver } from './workspace-resolve.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Full-stack end-to-end tests: a real upstream MCP server, a real asbr, the real connectors server and the built
 * widget in the Debian Chromium. One file at a time (2 shared cores); generous timeouts for the first build.
 */
export default definePackageConfig('e2e', {
  root: here,
  cacheDir: resolve(here, '../node_modules/.vite/e2e'),
  plugins: [workspaceSourceResolver(resolve(here, '..'), here)],
  test: {
    include: ['**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
