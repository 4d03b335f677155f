import { definePackageConfig } from '../../vitest.shared.js';

/**
 * Component and hook tests run in jsdom (tests/support/jsdom-env.ts pins this package's Node-20-compatible
 * jsdom); the real-Chromium tests and the pure modules opt into `// @vitest-environment node`.
 * Browser tests share one small machine, so files run one at a time with generous timeouts.
 */
export default definePackageConfig('chatgpt-dashboard', {
  test: {
    environment: './tests/support/jsdom-env.ts',
    setupFiles: ['./tests/support/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
