import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MapFetchError, MapVerificationError } from '../src/index.js';
import { connector, hsSigner, SECRET_B, signedMap, waitFor } from './helpers.js';
import { registryFixture, sample } from './registry-helpers.js';

const TTL_MS = 300_000;
const fx = registryFixture();
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brainwav-agents-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CONNECTORS = [connector('alpha', 'http://127.0.0.1:9/mcp')];

async function sign(version: number, opts: { secret?: string; now?: number } = {}): Promise<string> {
  return signedMap({
    connectors: CONNECTORS,
    version,
    now: opts.now ?? fx.clock.now(),
    signer: await hsSigner(opts.secret),
  });
}

async function refusal(p: Promise<unknown>): Promise<MapVerificationError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MapVerificationError);
  return err as MapVerificationError;
}

describe('maps that do not verify are refused with their code', () => {
  it('tampered → BAD_SIGNATURE (branded error + metric)', async () => {
    fx.server.serve((await sign(1)).replace('"alpha"', '"alpha2"'));
    const { registry, metrics } = fx.setup();
    const err = await refusal(registry.ready());
    expect([err.code, err.verifyCode]).toEqual(['MAP_VERIFICATION_FAILED', 'BAD_SIGNATURE']);
    expect(err.message).toMatch(/^brAInwav: service map refused \(BAD_SIGNATURE\)/);
    expect(await sample(metrics.verifyFailuresTotal, { code: 'BAD_SIGNATURE' })).toBe(1);
    expect(registry.status().lastRefusal?.code).toBe('BAD_SIGNATURE');
    expect(() => registry.current()).toThrowError(expect.objectContaining({ code: 'NOT_READY' }) as Error);
  });

  it('expired → EXPIRED', async () => {
    fx.server.serve(await sign(1, { now: fx.clock.now() - TTL_MS }));
    const { registry, metrics } = fx.setup();
    expect((await refusal(registry.ready())).verifyCode).toBe('EXPIRED');
    expect(await sample(metrics.verifyFailuresTotal, { code: 'EXPIRED' })).toBe(1);
  });

  it('rolled back → ROLLBACK, the current map is kept', async () => {
    fx.server.serve(await sign(5));
    const { registry, metrics } = fx.setup();
    await registry.ready();
    fx.server.serve(await sign(4));
    expect(await registry.refresh()).toEqual({ outcome: 'refused', version: 5, code: 'ROLLBACK' });
    expect(registry.current().version).toBe(5);
    expect(await sample(metrics.verifyFailuresTotal, { code: 'ROLLBACK' })).toBe(1);
  });

  it('unknown key → KEY_UNKNOWN: the current map is kept until its own expiry, then refetched', async () => {
    fx.server.serve(await sign(1));
    const { registry, metrics } = fx.setup();
    await registry.ready();
    const expiresAt = Date.parse(registry.current().expiresAt);
    fx.server.serve(await sign(2, { secret: SECRET_B }));
    expect(await registry.refresh()).toEqual({ outcome: 'refused', version: 1, code: 'KEY_UNKNOWN' });
    expect(await sample(metrics.verifyFailuresTotal, { code: 'KEY_UNKNOWN' })).toBe(1);
    expect(fx.clock.pending()).toEqual([expiresAt, expiresAt]); // next fetch and expiry, nothing earlier
    await fx.clock.advance(TTL_MS / 2 + 1_000);
    expect(fx.server.requests).toHaveLength(2);
    expect(registry.current().version).toBe(1);

    fx.server.serve(await sign(3, { now: expiresAt }));
    await fx.clock.advance(expiresAt - fx.clock.now());
    await waitFor(() => fx.server.requests.length === 3 && registry.status().state === 'fresh');
    expect(registry.current().version).toBe(3);
  });

  it('unknown key with no map held → ready() rejects with KEY_UNKNOWN', async () => {
    fx.server.serve(await sign(1, { secret: SECRET_B }));
    const { registry } = fx.setup();
    expect((await refusal(registry.ready())).verifyCode).toBe('KEY_UNKNOWN');
  });
});

describe('persistence', () => {
  it('restarts from the persisted map while the source is down, re-verified and bounded by expiresAt', async () => {
    const path = join(dir, 'state', 'service-map.json');
    const raw = await sign(7);
    fx.server.serve(raw);
    const first = fx.setup({ persistPath: path });
    await first.registry.ready();
    expect(await readFile(path, 'utf8')).toBe(raw);
    await first.registry.close();

    fx.server.down(true);
    const second = fx.setup({ persistPath: path });
    const map = await second.registry.ready();
    expect(map.version).toBe(7);
    expect(second.registry.status().lastFetchError).toMatch(/^brAInwav: .*HTTP 503/);
    expect(second.registry.proxy('alpha').connectorId).toBe('alpha');

    await fx.clock.advance(TTL_MS);
    expect(() => second.registry.current()).toThrowError(
      expect.objectContaining({ code: 'CONNECTORS_MAP_EXPIRED' }) as Error,
    );

    const third = fx.setup({ persistPath: path });
    const err = await third.registry.ready().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MapFetchError);
    expect(await sample(third.metrics.verifyFailuresTotal, { code: 'EXPIRED' })).toBe(1);
  });

  it('refuses a tampered persisted file and an old persisted version after a newer one', async () => {
    const path = join(dir, 'map.json');
    await writeFile(path, (await sign(3)).replace('"alpha"', '"alphb"'));
    fx.server.serve(await sign(2));
    const { registry, metrics } = fx.setup({ persistPath: path });
    expect((await registry.ready()).version).toBe(2);
    expect(await sample(metrics.verifyFailuresTotal, { code: 'BAD_SIGNATURE' })).toBe(1);
    expect(await readFile(path, 'utf8')).toBe(await sign(2));
  });
});
