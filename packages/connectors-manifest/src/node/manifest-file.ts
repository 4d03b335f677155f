import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConnectorsError } from '../errors.js';
import type { Manifest } from '../schema.js';
import { parseManifest } from '../validate.js';

/** A manifest file's parsed content and its exact bytes. */
export interface ManifestFile {
  readonly manifest: Manifest;
  readonly text: string;
}

const notFound = (path: string, cause: unknown): ConnectorsError =>
  new ConnectorsError(
    'MANIFEST_NOT_FOUND',
    `manifest not found at ${path} (${(cause as NodeJS.ErrnoException).code ?? 'EIO'})`,
    { cause },
  );

/** Parses and validates a manifest file's text (`path` names it in errors). */
function parseManifestText(text: string, path: string): ManifestFile {
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

/**
 * Reads, parses and validates a manifest file.
 * @throws ConnectorsError `MANIFEST_NOT_FOUND` (names the path), `MANIFEST_INVALID` (bad JSON or schema, with paths).
 */
export async function readManifestFile(path: string): Promise<ManifestFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw notFound(path, cause);
  }
  return parseManifestText(text, path);
}

/** {@link readManifestFile} without awaiting (for callers on a synchronous path; same errors). */
export function readManifestFileSync(path: string): ManifestFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw notFound(path, cause);
  }
  return parseManifestText(text, path);
}

/** Reads and validates a manifest file; see {@link readManifestFile}. */
export async function loadManifestFile(path: string): Promise<Manifest> {
  return (await readManifestFile(path)).manifest;
}
