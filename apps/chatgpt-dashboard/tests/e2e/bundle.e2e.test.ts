// @vitest-environment node
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureBundle } from '../support/bundle.js';
import { ensureBuilt } from './browser.js';

let dist: string;

beforeAll(async () => {
  dist = await ensureBuilt();
});

describe('built bundle (dist/)', () => {
  it('keeps the initial JS at or under 150 KB gzipped and splits "Try it" and the MCP Apps adapter out', () => {
    const sizes = measureBundle(dist);
    expect(sizes.initialScripts).toHaveLength(1);
    expect(sizes.initialScripts[0]).toMatch(/^main\.[0-9a-f]{8}\.js$/);
    expect(sizes.initialGzipBytes).toBeLessThanOrEqual(150 * 1024);
    expect(sizes.lazyChunks.some((f) => f.startsWith('try-it.'))).toBe(true);
    expect(sizes.lazyChunks.some((f) => f.startsWith('mcp-apps.'))).toBe(true);
  });

  it('emits index.html with relative asset URLs and a self-contained mcp-app.html', () => {
    const index = readFileSync(join(dist, 'index.html'), 'utf8');
    expect(index).toMatch(/<script defer src="?main\.[0-9a-f]{8}\.js"?>/);
    expect(index).not.toMatch(/src="?\//);
    const mcp = readFileSync(join(dist, 'mcp-app.html'), 'utf8');
    expect(mcp).not.toMatch(/<script[^>]*\ssrc=/);
    expect(mcp).not.toMatch(/<link[^>]*stylesheet/);
    expect(mcp).toMatch(/<script>[\s\S]+<\/script>\s*<\/body>/);
    expect(mcp).toContain('brAInwav connectors');
    expect(readdirSync(dist).filter((f) => f.startsWith('mcp-app.'))).toEqual(['mcp-app.html']);
  });
});
