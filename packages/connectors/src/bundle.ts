import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { BUILD_INFO_FILE, hashSourceTree } from '@cortex-os/connectors-manifest/node';
import { join } from 'node:path';

/** The rebuild command named by the troubleshooting page and the docs (needs only Node and npm). */
export const WIDGET_BUILD_COMMAND = 'npx -y pnpm@10.34.8 --filter @cortex-os/chatgpt-dashboard run build';

/** State of the widget bundle. */
export type BundleState =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'missing' | 'stale'; readonly detail: string };

async function readBuildInfo(distDir: string): Promise<{ sourceHash?: unknown } | undefined> {
  try {
    return JSON.parse(await readFile(join(distDir, BUILD_INFO_FILE), 'utf8')) as { sourceHash?: unknown };
  } catch {
    return undefined;
  }
}

/**
 * Checks `distDir/<file>` exists and was built from the current widget source: the build writes the content hash
 * of `srcDir` into `build-info.json` and the server compares it with the hash of `srcDir` now (content, not mtimes,
 * so checkouts and build caches never make a good bundle look stale). A deployment without `srcDir` is not checked.
 * @param file - the entry file that must exist (`index.html` or `mcp-app.html`)
 */
export async function checkBundle(distDir: string, srcDir: string, file: string): Promise<BundleState> {
  try {
    await stat(join(distDir, file));
  } catch {
    return { ok: false, reason: 'missing', detail: `${file} is missing from ${distDir}` };
  }
  const sourceHash = await hashSourceTree(srcDir);
  if (sourceHash === undefined) return { ok: true };
  const info = await readBuildInfo(distDir);
  if (info?.sourceHash === sourceHash) return { ok: true };
  const detail = info
    ? `${file} was built from other sources than ${srcDir} (source changed since the last build)`
    : `${distDir} has no ${BUILD_INFO_FILE}: it was not built by the current widget build`;
  return { ok: false, reason: 'stale', detail };
}

/** Caches {@link checkBundle} for `ttlMs` milliseconds (the source tree walk is not free). */
export function cachedBundleCheck(
  distDir: string,
  srcDir: string,
  file: string,
  ttlMs = 2_000,
): () => Promise<BundleState> {
  let cached: { at: number; state: Promise<BundleState> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > ttlMs) cached = { at: now, state: checkBundle(distDir, srcDir, file) };
    return cached.state;
  };
}

/** `'sha256-…'` CSP sources of every inline `<script>` and `<style>` body of `html`. */
export function inlineHashes(html: string, tag: 'script' | 'style'): string[] {
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'gi');
  const hashes: string[] = [];
  for (const m of html.matchAll(re)) {
    const body = m[1] ?? '';
    if (body.trim() !== '')
      hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/** Strict CSP of an HTML page: same-origin scripts/styles/connections plus the page's own inline hashes. */
export function strictCsp(html: string): string {
  const scripts = ["'self'", ...inlineHashes(html, 'script')].join(' ');
  const styles = ["'self'", ...inlineHashes(html, 'style')].join(' ');
  return [
    "default-src 'none'",
    `script-src ${scripts}`,
    `style-src ${styles}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Reads a bundle file as UTF-8 text. */
export function readBundleText(distDir: string, file: string): Promise<string> {
  return readFile(join(distDir, file), 'utf8');
}
