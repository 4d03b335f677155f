import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegistryRefusedEvent } from '../src/index.js';
import { connector, hsSigner, ManualClock, signedMap, startMapServer, type MapServer } from './helpers.js';
import { makeRegistry } from './registry-helpers.js';

const TTL_MS = 300_000;
let server: MapServer;
let clock: ManualClock;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  server = await startMapServer();
  clock = new ManualClock();
});

afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await server.close();
});

function setup(extra: Parameters<typeof makeRegistry>[2] = {}): ReturnType<typeof makeRegistry> {
  const made = makeRegistry(server, clock, extra);
  closers.push(() => made.registry.close());
  return made;
}

async function sign(version: number, now = clock.now()): Promise<string> {
  return signedMap({
    connectors: [connector('alpha', 'http://127.0.0.1:9/mcp')],
    version,
    now,
    signer: await hsSigner(),
  });
}

describe('registry.raw()', () => {
  it('returns the exact verified bytes and their ETag, keeps them through 304s and refusals, and drops them at expiry', async () => {
    const { registry } = setup();
    expect(registry.raw()).toBeUndefined();
    const v1 = `  ${await sign(1)}\n`; // whitespace is part of the signed bytes served
    server.serve(v1);
    await registry.ready();
    expect(registry.raw()).toEqual({ bodyText: v1, etag: '"v1"' });

    expect((await registry.refresh()).outcome).toBe('not-modified');
    expect(registry.raw()).toEqual({ bodyText: v1, etag: '"v1"' });

    server.serve((await sign(2)).replace('"alpha"', '"alpha2"'));
    expect((await registry.refresh()).outcome).toBe('refused');
    expect(registry.raw()).toEqual({ bodyText: v1, etag: '"v1"' });

    const v3 = await sign(3);
    server.serve(v3);
    expect((await registry.refresh()).outcome).toBe('updated');
    expect(registry.raw()).toEqual({ bodyText: v3, etag: '"v3"' });

    server.down(true);
    await clock.advance(TTL_MS);
    expect(registry.status().state).toBe('expired');
    expect(registry.raw()).toBeUndefined();
    await registry.close();
    expect(registry.raw()).toBeUndefined();
  });
});

describe("registry 'refused' event", () => {
  it('is emitted with { code, message, at } for each fetched map that fails verification', async () => {
    const { registry } = setup();
    const refused: RegistryRefusedEvent[] = [];
    registry.on('refused', (e) => refused.push(e));
    server.serve(await sign(5));
    await registry.ready();
    expect(refused).toEqual([]);

    server.serve(await sign(4));
    await registry.refresh();
    server.serve((await sign(6)).replace('"alpha"', '"alpha2"'));
    await registry.refresh();
    expect(refused.map((e) => e.code)).toEqual(['ROLLBACK', 'BAD_SIGNATURE']);
    expect(refused[1]).toEqual({
      code: 'BAD_SIGNATURE',
      message: expect.stringMatching(/^brAInwav: service map refused \(BAD_SIGNATURE\)/) as string,
      at: new Date(clock.now()).toISOString(),
    });
    expect(registry.status().lastRefusal).toEqual({ code: 'BAD_SIGNATURE', at: refused[1]!.at });
    expect(registry.current().version).toBe(5);
  });

  it('is not emitted for a refused persisted file (only for fetched maps)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'brainwav-agents-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'map.json');
    await writeFile(path, (await sign(3)).replace('"alpha"', '"alphb"'));
    server.serve(await sign(2));
    const { registry } = setup({ persistPath: path });
    const refused: RegistryRefusedEvent[] = [];
    registry.on('refused', (e) => refused.push(e));
    expect((await registry.ready()).version).toBe(2);
    expect(registry.status().lastRefusal?.code).toBe('BAD_SIGNATURE');
    expect(refused).toEqual([]);
  });
});
