import { readFile } from 'node:fs/promises';
import { ConnectorsError } from '../errors.js';
import type { Manifest } from '../schema.js';
import { parseManifest } from '../validate.js';

/** A manifest file's parsed content and its exact bytes. */
export interface ManifestFile {
  readonly manifest: Manifest;
  readonly text: string;
}

/**
 * Reads, parses and validates a manifest file.
 * @throws ConnectorsError `MANIFEST_NOT_FOUND` (names the path), `MANIFEST_INVALID` (bad JSON or schema, with paths).
 */
export async function readManifestFile(path: string): Promise<ManifestFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'EIO';
    throw new ConnectorsError('MANIFEST_NOT_FOUND', `manifest not found at ${path} (${code})`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConnectorsError(
      'MANIFEST_INVALID',
      `manifest ${path} is not valid JSON: ${(cause as Error).message}`,
      { cause },
    );
  }
  return { manifest: parseManifest(json, path), text };
}

/** Reads and validates a manifest file; see {@link readManifestFile}. */
export async function loadManifestFile(path: string): Promise<Manifest> {
  return (await readManifestFile(path)).manifest;
}
