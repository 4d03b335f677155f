import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** File the widget build writes next to its bundle: `{ "sourceHash", "builtAt" }`. */
export const BUILD_INFO_FILE = 'build-info.json';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve(e.isFile() ? [join(dir, e.name)] : []),
    ),
  );
  return nested.flat();
}

/**
 * SHA-256 (hex) of a directory tree's content: every file's relative path (`/`-separated, sorted) and bytes.
 * Unlike mtimes it survives checkouts, copies and build caches. Resolves `undefined` when `dir` does not exist.
 */
export async function hashSourceTree(dir: string): Promise<string | undefined> {
  let files: string[];
  try {
    files = await listFiles(dir);
  } catch {
    return undefined;
  }
  const hash = createHash('sha256');
  for (const file of files.map((f) => relative(dir, f).split(sep).join('/')).sort()) {
    hash
      .update(`${file}\0`)
      .update(await readFile(join(dir, file)))
      .update('\0');
  }
  return hash.digest('hex');
}
