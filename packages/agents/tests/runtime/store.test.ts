import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileCheckpointStore, RUN_FILES } from '../../src/index.js';
import { tempStore, type TempStore } from './helpers.js';

let t: TempStore;
beforeEach(async () => (t = await tempStore()));
afterEach(() => t.remove());

/** A ~1 MiB JSON document tagged `n` (large enough that a non-atomic write would be seen half done). */
function bigDoc(n: number): string {
  return JSON.stringify({ n, pad: String(n % 10).repeat(1024 * 1024) });
}

describe('file checkpoint store', () => {
  it('keeps one directory per run with state, meta and log files (mode 0600)', async () => {
    await t.store.write('r1', 'state', '{"s":1}');
    await t.store.write('r1', 'meta', '{"m":1}');
    await t.store.append('r1', ['{"a":1}', '{"a":2}']);
    await t.store.write('r2', 'meta', '{}');
    expect((await readdir(t.dir)).sort()).toEqual(['r1', 'r2']);
    expect((await readdir(join(t.dir, 'r1'))).sort()).toEqual(
      [RUN_FILES.meta, RUN_FILES.log, RUN_FILES.state].sort(),
    );
    expect(await readFile(join(t.dir, 'r1', 'run.jsonl'), 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect(await t.store.read('r1', 'state')).toBe('{"s":1}');
    expect(await t.store.read('r3', 'state')).toBeUndefined();
    expect(await t.store.log('r3')).toEqual([]);
  });

  it('writes atomically: concurrent readers only ever see a whole old or new document, no temp file left', async () => {
    await t.store.write('atomic', 'state', bigDoc(0));
    const seen = new Set<number>();
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const text = await readFile(join(t.dir, 'atomic', RUN_FILES.state), 'utf8');
        const doc = JSON.parse(text) as { n: number; pad: string };
        expect(doc.pad).toBe(String(doc.n % 10).repeat(1024 * 1024));
        seen.add(doc.n);
      }
    })();
    for (let n = 1; n <= 12; n += 1) await t.store.write('atomic', 'state', bigDoc(n));
    writing = false;
    await reader;
    expect(seen.size).toBeGreaterThan(1);
    expect(JSON.parse((await t.store.read('atomic', 'state')) ?? '{}')).toMatchObject({ n: 12 });
    expect(await readdir(join(t.dir, 'atomic'))).toEqual([RUN_FILES.state]);
  });

  it('appends in order and never rewrites earlier lines', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => t.store.append('log', [`{"i":${i}}`])));
    const lines = await t.store.log('log');
    expect(lines).toHaveLength(50);
    expect(new Set(lines).size).toBe(50);
    await t.store.append('log', ['{"last":true}']);
    expect((await t.store.log('log')).slice(0, 50)).toEqual(lines);
  });

  it('refuses run ids that could escape the directory and an empty dir', async () => {
    for (const id of ['../x', 'a/b', '', '.hidden', 'x'.repeat(65)])
      await expect(t.store.write(id, 'state', '{}')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(() => fileCheckpointStore('')).toThrow(/checkpoint dir/);
  });
});
