import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CliError, FileError } from '../errors.js';
import type { ScaffoldFile } from './types.js';

/** Entries of `dir`, or `undefined` when it does not exist. */
async function entriesOf(dir: string): Promise<string[] | undefined> {
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new CliError('TARGET_NOT_DIRECTORY', `new: target ${dir} exists and is not a directory`);
    }
    return await readdir(dir);
  } catch (cause) {
    if (cause instanceof CliError) throw cause;
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FileError('read', dir, cause);
  }
}

/**
 * Checks that `dir` can receive a scaffold: absent, empty, or non-empty with `force` (files of the
 * scaffold are then overwritten, other files kept).
 * @throws CliError `TARGET_NOT_EMPTY` (exit 1) for a non-empty directory without `force`,
 *   `TARGET_NOT_DIRECTORY` (exit 1) when `dir` is a file, `FILE_IO` when it cannot be read.
 */
export async function checkTarget(dir: string, force: boolean): Promise<void> {
  const entries = await entriesOf(dir);
  if (entries === undefined || entries.length === 0 || force) return;
  throw new CliError(
    'TARGET_NOT_EMPTY',
    `new: target directory ${dir} is not empty (${entries.length} entries); choose another --dir or pass --force to overwrite the scaffold's files`,
  );
}

/**
 * Writes `files` under `dir` (directories created as needed).
 * @throws FileError `FILE_IO` naming the path that could not be written.
 */
export async function writeScaffold(dir: string, files: readonly ScaffoldFile[]): Promise<void> {
  for (const file of files) {
    const path = join(dir, file.path);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content, 'utf8');
    } catch (cause) {
      throw new FileError('write', path, cause);
    }
  }
}
