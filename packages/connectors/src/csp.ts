import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** File of the widget build (`dist/csp.json`) with the CSP hashes of every HTML page's inline blocks. */
export const CSP_FILE = 'csp.json';

/** CSP hash sources of one page's inline `<script>` and `<style>` bodies (`'sha256-…'`). */
export interface InlineHashes {
  readonly script: readonly string[];
  readonly style: readonly string[];
}

/** `Content-Security-Policy` header value of every HTML page of one bundle build, by file name. */
export type BundleCsp = ReadonlyMap<string, string>;

const HASH_SOURCE = /^'sha256-[A-Za-z0-9+/]{43}='$/;

/** The `'sha256-…'` CSP source of one inline block (hash of its UTF-8 text, as browsers compute it). */
export function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Strict CSP of an HTML page: same-origin scripts/styles/connections plus the given inline hashes, no framing. */
export function strictCsp(hashes: Partial<InlineHashes> = {}): string {
  return [
    "default-src 'none'",
    `script-src ${["'self'", ...(hashes.script ?? [])].join(' ')}`,
    `style-src ${["'self'", ...(hashes.style ?? [])].join(' ')}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

function hashList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && HASH_SOURCE.test(v)))
    throw new Error(`brAInwav: ${CSP_FILE} ${where} is not a list of 'sha256-…' sources`);
  return value as string[];
}

/**
 * Parses the text of `csp.json` (`{ "<page>.html": { "script": [...], "style": [...] } }`) into one header
 * value per page. Only `'sha256-…'` sources are accepted, so the file cannot widen the policy.
 * @throws Error (branded) naming what is malformed
 */
export function parseBundleCsp(text: string): BundleCsp {
  const raw = JSON.parse(text) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`brAInwav: ${CSP_FILE} is not an object of pages`);
  const headers = new Map<string, string>();
  for (const [page, entry] of Object.entries(raw as Record<string, { script?: unknown; style?: unknown }>)) {
    const script = hashList(entry?.script, `${page}.script`);
    const style = hashList(entry?.style, `${page}.style`);
    headers.set(page, strictCsp({ script, style }));
  }
  return headers;
}

/**
 * Memoizes the parsed `distDir/csp.json` per bundle build: the file is read again only when `build` (the
 * build-info identity) changes, never per request. A failed read is not cached.
 */
export function cachedBundleCsp(distDir: string): (build: string) => Promise<BundleCsp> {
  let cached: { build: string; csp: Promise<BundleCsp> } | undefined;
  return (build) => {
    if (cached?.build !== build) {
      const csp = readFile(join(distDir, CSP_FILE), 'utf8').then(parseBundleCsp);
      csp.catch(() => (cached = cached?.csp === csp ? undefined : cached));
      cached = { build, csp };
    }
    return cached.csp;
  };
}
