import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The rebuild command named by the troubleshooting page and the docs (needs only Node and npm). */
export const WIDGET_BUILD_COMMAND = 'npx -y pnpm@10.34.8 --filter @cortex-os/chatgpt-dashboard run build';

/** State of the widget bundle. */
export type BundleState =
  | { readonly ok: true; readonly builtAt: number }
  | { readonly ok: false; readonly reason: 'missing' | 'stale'; readonly detail: string };

/** Newest mtime (ms) of any file under `dir`, recursively; 0 when the directory does not exist. */
export async function newestMtime(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  const times = await Promise.all(
    entries.map(async (e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return newestMtime(p);
      return e.isFile() ? (await stat(p)).mtimeMs : 0;
    }),
  );
  return Math.max(0, ...times);
}

/**
 * Checks `distDir/<file>` exists and is not older than the newest file of `srcDir`.
 * @param file - the entry file that must exist (`index.html` or `mcp-app.html`)
 */
export async function checkBundle(distDir: string, srcDir: string, file: string): Promise<BundleState> {
  let builtAt: number;
  try {
    builtAt = (await stat(join(distDir, file))).mtimeMs;
  } catch {
    return { ok: false, reason: 'missing', detail: `${file} is missing from ${distDir}` };
  }
  const sourceAt = await newestMtime(srcDir);
  if (sourceAt > builtAt) {
    const detail = `${file} (built ${new Date(builtAt).toISOString()}) is older than the widget source in ${srcDir} (changed ${new Date(sourceAt).toISOString()})`;
    return { ok: false, reason: 'stale', detail };
  }
  return { ok: true, builtAt };
}

/** Caches {@link checkBundle} for `ttlMs` milliseconds (the source tree walk is not free). */
export function cachedBundleCheck(distDir: string, srcDir: string, file: string, ttlMs = 2_000): () => Promise<BundleState> {
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
    if (body.trim() !== '') hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/** Strict CSP of an HTML page: same-origin scripts/styles/connections plus the page's own inline hashes. */
export function strictCsp(html: string): string {
  const scripts = ["'self'", ...inlineHashes(html, 'script')].join(' ');
  const styles = ["'self'", ...inlineHashes(html, 'style')].join(' ');
  return [
    "default-src 'none'", `script-src ${scripts}`, `style-src ${styles}`, "img-src 'self' data:", "font-src 'self'",
    "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'", "object-src 'none'",
  ].join('; ');
}

/** Reads a bundle file as UTF-8 text. */
export function readBundleText(distDir: string, file: string): Promise<string> {
  return readFile(join(distDir, file), 'utf8');
}
