import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';

/** A running file watch; `close()` stops it and cancels a pending callback. */
export interface ManifestWatch {
  close(): void;
}

/** Default debounce of manifest file events, in milliseconds. */
export const DEFAULT_WATCH_DEBOUNCE_MS = 150;

/**
 * Watches `path` and calls `onChange` once per burst of events (debounced by `debounceMs`, ms).
 * It watches the parent directory, filtered on the file name, so editors that save by writing a
 * temporary file and renaming it over the original (a new inode) keep being seen. When the
 * directory cannot be watched, logs a warning and returns a no-op watch (SIGHUP still reloads).
 */
export function watchManifestFile(
  path: string,
  onChange: () => void,
  options: { logger: FastifyBaseLogger; debounceMs?: number },
): ManifestWatch {
  const name = basename(path);
  const debounceMs = options.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS;
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    timer = undefined;
    onChange();
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
      if (filename !== null && filename.toString() !== name) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(fire, debounceMs);
    });
  } catch (error) {
    options.logger.warn(
      { err: error, path },
      'brAInwav: cannot watch the manifest directory; reload with SIGHUP',
    );
    return { close: () => undefined };
  }
  watcher.on('error', (error) => options.logger.warn({ err: error, path }, 'brAInwav: manifest watch error'));
  return {
    close(): void {
      if (timer !== undefined) clearTimeout(timer);
      watcher.close();
    },
  };
}
