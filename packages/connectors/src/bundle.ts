import { readFile, stat } from 'node:fs/promises';
import { BUILD_INFO_FILE, hashSourceTree } from '@cortex-os/connectors-manifest/node';
import { join } from 'node:path';
import { CSP_FILE } from './csp.js';

/** The rebuild command named by the troubleshooting page and the docs (needs only Node and npm). */
export const WIDGET_BUILD_COMMAND = 'npx -y pnpm@10.34.8 --filter @cortex-os/chatgpt-dashboard run build';

/**
 * State of the widget bundle. A usable one carries `build`, the identity of its build (source hash and build
 * time from `build-info.json`): what is derived from the bundle (its CSP headers) is cached by it.
 */
export type BundleState =
  | { readonly ok: true; readonly build: string }
  | { readonly ok: false; readonly reason: 'missing' | 'stale'; readonly detail: string };

interface BuildInfo {
  sourceHash?: unknown;
  builtAt?: unknown;
}

async function readBuildInfo(distDir: string): Promise<BuildInfo | undefined> {
  try {
    return JSON.parse(await readFile(join(distDir, BUILD_INFO_FILE), 'utf8')) as BuildInfo;
  } catch {
    return undefined;
  }
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Checks `distDir/<file>` exists and was built from the current widget source: the build writes the content hash
 * of `srcDir` into `build-info.json` and the server compares it with the hash of `srcDir` now (content, not mtimes,
 * so checkouts and build caches never make a good bundle look stale). A deployment without `srcDir` is not
 * compared. A bundle without `csp.json` (the CSP hashes the build computes) is stale: an older build made it.
 * @param file - the entry file that must exist (`index.html` or `mcp-app.html`)
 */
export async function checkBundle(distDir: string, srcDir: string, file: string): Promise<BundleState> {
  if (!(await exists(join(distDir, file))))
    return { ok: false, reason: 'missing', detail: `${file} is missing from ${distDir}` };
  const [sourceHash, info] = await Promise.all([hashSourceTree(srcDir), readBuildInfo(distDir)]);
  if (sourceHash !== undefined && info?.sourceHash !== sourceHash) {
    const detail = info
      ? `${file} was built from other sources than ${srcDir} (source changed since the last build)`
      : `${distDir} has no ${BUILD_INFO_FILE}: it was not built by the current widget build`;
    return { ok: false, reason: 'stale', detail };
  }
  if (!(await exists(join(distDir, CSP_FILE))))
    return {
      ok: false,
      reason: 'stale',
      detail: `${distDir} has no ${CSP_FILE}: it was built by an older widget build`,
    };
  return { ok: true, build: `${String(info?.sourceHash)}@${String(info?.builtAt)}` };
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

/** Reads a bundle file as UTF-8 text. */
export function readBundleText(distDir: string, file: string): Promise<string> {
  return readFile(join(distDir, file), 'utf8');
}
