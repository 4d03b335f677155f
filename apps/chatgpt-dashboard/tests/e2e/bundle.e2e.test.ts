// @vitest-environment node
import { createHash } from 'node:crypto';
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

  it('writes csp.json with the hash of every inline script and style of both pages', () => {
    const csp = JSON.parse(readFileSync(join(dist, 'csp.json'), 'utf8')) as Record<
      string,
      { script: string[]; style: string[] }
    >;
    const hash = (body: string): string =>
      `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`;
    const blocks = (html: string, tag: string): string[] =>
      [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => hash(m[1]!));
    const index = readFileSync(join(dist, 'index.html'), 'utf8');
    const mcp = readFileSync(join(dist, 'mcp-app.html'), 'utf8');
    expect(Object.keys(csp).sort()).toEqual(['index.html', 'mcp-app.html']);
    expect(csp['index.html']).toEqual({ script: [], style: blocks(index, 'style') });
    expect(csp['index.html']!.style).toHaveLength(1);
    expect(csp['mcp-app.html']).toEqual({ script: blocks(mcp, 'script'), style: blocks(mcp, 'style') });
    expect(csp['mcp-app.html']!.script).toHaveLength(1);
  });
});
