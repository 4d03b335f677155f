import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonlAuditSink, type AuditRecord } from '../src/index.js';

const record = (n: number): AuditRecord => ({
  ts: new Date(Date.UTC(2026, 10, 22, 10, 0, n)).toISOString(),
  brand: 'brAInwav',
  callerId: 'key-1',
  via: 'api-key',
  connectorId: 'alpha',
  tool: 'echo',
  outcome: 'ok',
  durationMs: n,
  traceId: 'a'.repeat(32),
  endpoint: 'aggregate',
});

describe('createJsonlAuditSink', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('appends one JSON line per record, in order, across sink instances', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-audit-'));
    const path = join(dir, 'nested', 'audit.jsonl');
    const sink = createJsonlAuditSink(path);
    for (let i = 0; i < 50; i += 1) sink.write(record(i));
    await sink.close?.();
    const second = createJsonlAuditSink(path);
    second.write(record(50));
    await second.close?.();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(51);
    expect(JSON.parse(lines[0]!)).toEqual(record(0));
    expect(lines.map((l) => (JSON.parse(l) as AuditRecord).durationMs)).toEqual([...Array(51).keys()]);
  });

  it('batches: 1,000 calls in one turn cost one file write, all lines in order after close', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-audit-'));
    const path = join(dir, 'audit.jsonl');
    const sink = createJsonlAuditSink(path);
    for (let i = 0; i < 1_000; i += 1) sink.write(record(i % 60));
    expect(sink.batches).toBe(0);
    await sink.flush();
    expect(sink.batches).toBe(1);
    // lines written while a batch is in flight go in the next batch, still in order
    for (let i = 0; i < 10; i += 1) {
      sink.write(record(i));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await sink.close?.();
    expect(sink.batches).toBeLessThanOrEqual(11);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(1_010);
    const durations = lines.map((l) => (JSON.parse(l) as AuditRecord).durationMs);
    expect(durations).toEqual([...Array.from({ length: 1_000 }, (_, i) => i % 60), ...Array(10).keys()]);
  });

  it('reports write failures to onError without throwing to the caller', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-audit-'));
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'x');
    const errors: unknown[] = [];
    const sink = createJsonlAuditSink(join(blocker, 'sub', 'audit.jsonl'), (e) => errors.push(e));
    expect(() => sink.write(record(1))).not.toThrow();
    await sink.flush();
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ENOTDIR');
  });
});
