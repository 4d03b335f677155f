import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Sizes of the built web bundle, in bytes. */
export interface BundleSizes {
  /** Scripts referenced by dist/index.html (what the first paint waits for). */
  initialScripts: string[];
  initialGzipBytes: number;
  /** Every other emitted .js chunk (lazy: "Try it", the MCP Apps adapter, …). */
  lazyChunks: string[];
  lazyGzipBytes: number;
  mcpAppHtmlBytes: number;
  mcpAppHtmlGzipBytes: number;
}

const gz = (buffer: Buffer): number => gzipSync(buffer, { level: 9 }).length;

/** Measures dist/: gzipped size of the initial scripts of index.html, of the lazy chunks and of mcp-app.html. */
export function measureBundle(distDir: string): BundleSizes {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const initialScripts = [...html.matchAll(/<script[^>]*\ssrc="?([^"\s>]+)"?/g)].map((m) => m[1]!);
  const lazyChunks = readdirSync(distDir).filter((f) => f.endsWith('.js') && !initialScripts.includes(f));
  const mcp = readFileSync(join(distDir, 'mcp-app.html'));
  return {
    initialScripts,
    initialGzipBytes: initialScripts.reduce((sum, f) => sum + gz(readFileSync(join(distDir, f))), 0),
    lazyChunks,
    lazyGzipBytes: lazyChunks.reduce((sum, f) => sum + gz(readFileSync(join(distDir, f))), 0),
    mcpAppHtmlBytes: mcp.length,
    mcpAppHtmlGzipBytes: gz(mcp),
  };
}
