import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RegistryRefusedEvent } from '../src/index.js';
import { connector, hsSigner, signedMap } from './helpers.js';
import { registryFixture } from './registry-helpers.js';

const TTL_MS = 300_000;
const fx = registryFixture();

async function sign(version: number, now = fx.clock.now()): Promise<string> {
  return signedMap({
    connectors: [connector('alpha', 'http://127.0.0.1:9/mcp')],
    version,
    now,
    signer: await hsSigner(),
  });
}

describe('registry.raw()', () => {
  it('returns the exact verified bytes and their ETag, keeps them through 304s and refusals, and drops them at expiry', async () => {
    const { registry } = fx.setup();
    expect(registry.raw()).toBeUndefined();
    const v1 = `  ${await sign(1)}\n`; // whitespace is part of the signed bytes served
    fx.server.serve(v1);
    await registry.ready();
    expect(registry.raw()).toEqual({ bodyText: v1, etag: '"v1"' });

    expect((await registry.refresh()).outcome).toBe('not-modified');
    expect(registry.raw()).toEqual({ bodyText: v1, etag: '"v1"' });

    fx.server.serve((await sign(2)).replace('"alpha"', '"alpha2"'));
    expect((await registry.refresh()).outcome).toBe('refused');
    expect(registry.raw()).toEqual({ bodyText: v1, etag: '"v1"' });

    const v3 = await sign(3);
    fx.server.serve(v3);
    expect((await registry.refresh()).outcome).toBe('updated');
    expect(registry.raw()).toEqual({ bodyText: v3, etag: '"v3"' });

    fx.server.down(true);
    await fx.clock.advance(TTL_MS);
    expect(registry.status().state).toBe('expired');
    expect(registry.raw()).toBeUndefined();
    await registry.close();
    expect(registry.raw()).toBeUndefined();
  });
});

describe("registry 'refused' event", () => {
  it('is emitted with { code, message, at } for each fetched map that fails verification', async () => {
    const { registry } = fx.setup();
    const refused: RegistryRefusedEvent[] = [];
    registry.on('refused', (e) => refused.push(e));
    fx.server.serve(await sign(5));
    await registry.ready();
    expect(refused).toEqual([]);

    fx.server.serve(await sign(4));
    await registry.refresh();
    fx.server.serve((await sign(6)).replace('"alpha"', '"alpha2"'));
    await registry.refresh();
    expect(refused.map((e) => e.code)).toEqual(['ROLLBACK', 'BAD_SIGNATURE']);
    expect(refused[1]).toEqual({
      code: 'BAD_SIGNATURE',
      message: expect.stringMatching(/^brAInwav: service map refused \(BAD_SIGNATURE\)/) as string,
      at: new Date(fx.clock.now()).toISOString(),
    });
    expect(registry.status().lastRefusal).toEqual({ code: 'BAD_SIGNATURE', at: refused[1]!.at });
    expect(registry.current().version).toBe(5);
  });

  it('is not emitted for a refused persisted file (only for fetched maps)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'brainwav-agents-'));
    fx.onClose(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'map.json');
    await writeFile(path, (await sign(3)).replace('"alpha"', '"alphb"'));
    fx.server.serve(await sign(2));
    const { registry } = fx.setup({ persistPath: path });
    const refused: RegistryRefusedEvent[] = [];
    registry.on('refused', (e) => refused.push(e));
    expect((await registry.ready()).version).toBe(2);
    expect(registry.status().lastRefusal?.code).toBe('BAD_SIGNATURE');
    expect(refused).toEqual([]);
  });
});
