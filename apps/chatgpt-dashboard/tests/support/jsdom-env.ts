import { populateGlobal, type Environment } from 'vitest/runtime';

/**
 * jsdom test environment pinned to this package's jsdom (27.x, which runs on Node 20). Vitest's built-in
 * `jsdom` environment imports whatever jsdom the workspace root resolved (31.x needs Node 22). Node's
 * fetch/AbortController stay in place so `fetch` accepts the signals the widget creates.
 */
const environment: Environment = {
  name: 'jsdom-node20',
  viteEnvironment: 'client',
  async setup(global: Record<string | symbol, unknown>) {
    const { JSDOM } = await import('jsdom');
    const dom = new JSDOM(
      '<!DOCTYPE html><html lang="en"><head><title>brAInwav test</title></head><body></body></html>',
      {
        pretendToBeVisual: true,
        url: 'http://localhost:3000/apps/chatgpt-dashboard/',
      },
    );
    const keep = [
      'fetch',
      'Response',
      'Request',
      'Headers',
      'AbortController',
      'AbortSignal',
      'TextEncoder',
      'TextDecoder',
      'ReadableStream',
      'Blob',
      'URL',
    ];
    const saved = new Map(keep.map((key) => [key, global[key]]));
    const { keys, originals } = populateGlobal(global, dom.window, { bindFunctions: true });
    for (const [key, value] of saved) if (value !== undefined) global[key] = value;
    return {
      teardown(target: Record<string | symbol, unknown>) {
        dom.window.close();
        keys.forEach((key) => delete target[key]);
        originals.forEach((value: unknown, key: string | symbol) => {
          target[key] = value;
        });
      },
    };
  },
};

export default environment;
