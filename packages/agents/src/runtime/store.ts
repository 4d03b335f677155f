import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AgentsConfigError } from '../errors.js';
import { readPersistedMap, writeMapAtomic } from '../persist.js';

/** A document of a run kept whole (replaced atomically): the SDK's serialized `RunState`, the run's metadata. */
export type CheckpointDocument = 'state' | 'meta';

/**
 * Where runs are kept: per run id, whole documents replaced atomically and an append-only log.
 * The file system store is the default ({@link fileCheckpointStore}); {@link redisCheckpointStore} keeps the
 * same layout in Redis.
 */
export interface CheckpointStore {
  /** Replaces `doc` of `runId` atomically (a reader sees the old or the new text, never a mix). */
  write(runId: string, doc: CheckpointDocument, text: string): Promise<void>;
  /** The text of `doc`, `undefined` when the run or the document does not exist. */
  read(runId: string, doc: CheckpointDocument): Promise<string | undefined>;
  /** Appends lines (each without a newline) to the run log, in order. */
  append(runId: string, lines: readonly string[]): Promise<void>;
  /** Every line of the run log (empty when none). */
  log(runId: string): Promise<readonly string[]>;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** `runId` when it is a safe id (letters, digits, `_`, `-`; ≤ 64), else `CONFIG_INVALID` (no path tricks). */
export function checkRunId(runId: string): string {
  if (typeof runId !== 'string' || !RUN_ID.test(runId))
    throw new AgentsConfigError(
      `runId must match ${RUN_ID.source} (got ${JSON.stringify(String(runId).slice(0, 80))})`,
    );
  return runId;
}

/** File names of a run directory. */
export const RUN_FILES = { state: 'state.json', meta: 'meta.json', log: 'run.jsonl' } as const;

/**
 * A {@link CheckpointStore} on the file system: one directory per run under `dir`
 * (`<dir>/<runId>/state.json`, `meta.json`, `run.jsonl`, mode 0600). Documents are written to a
 * temporary file in the same directory and renamed over the old one.
 */
export function fileCheckpointStore(dir: string): CheckpointStore {
  if (typeof dir !== 'string' || dir === '')
    throw new AgentsConfigError('checkpoint dir must be a non-empty path');
  const root = resolve(dir);
  const runDir = (runId: string): string => join(root, checkRunId(runId));
  return {
    write: async (runId, doc, text) => writeMapAtomic(join(runDir(runId), RUN_FILES[doc]), text),
    read: async (runId, doc) => readPersistedMap(join(runDir(runId), RUN_FILES[doc])),
    append: async (runId, lines) => {
      if (lines.length === 0) return;
      await mkdir(runDir(runId), { recursive: true, mode: 0o700 });
      await appendFile(join(runDir(runId), RUN_FILES.log), lines.map((l) => `${l}\n`).join(''), {
        encoding: 'utf8',
        mode: 0o600,
      });
    },
    log: async (runId) => {
      const text = await readFileOrEmpty(join(runDir(runId), RUN_FILES.log));
      return text.split('\n').filter((l) => l !== '');
    },
  };
}

async function readFileOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** The Redis commands {@link redisCheckpointStore} uses (an `ioredis` client fits). */
export interface RedisCheckpointClient {
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<string | null>;
  rpush(key: string, ...values: string[]): Promise<number>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
}

/**
 * A {@link CheckpointStore} in Redis: documents are single keys (`SET` replaces atomically), the log a list
 * (`RPUSH`). Keys: `<prefix><runId>:state|meta|log` (prefix default `brainwav:agent-run:`).
 */
export function redisCheckpointStore(
  client: RedisCheckpointClient,
  prefix = 'brainwav:agent-run:',
): CheckpointStore {
  const key = (runId: string, part: string): string => `${prefix}${checkRunId(runId)}:${part}`;
  return {
    write: async (runId, doc, text) => void (await client.set(key(runId, doc), text)),
    read: async (runId, doc) => (await client.get(key(runId, doc))) ?? undefined,
    append: async (runId, lines) => {
      if (lines.length > 0) await client.rpush(key(runId, 'log'), ...lines);
    },
    log: (runId) => client.lrange(key(runId, 'log'), 0, -1),
  };
}
