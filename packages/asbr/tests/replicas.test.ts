// Two asbr replicas on one manifest file and key (ASBR_DETERMINISTIC_SIGNING=true) serve byte-identical maps for
// one version, whenever each started and whichever serves; a manifest change gives both the same new version; so
// does the re-sign at half the TTL. Without the flag, two replicas disagree (what it fixes).
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifestFile } from '@cortex-os/connectors-manifest/node';
import { deterministicUlid, epochSigningTime } from '../src/signing-epoch.js';
import { MAP_PATH, T0, bearer, fixtureJson, makeApp, manualClock, type TestApp } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'brainwav-asbr-replicas-'));
const path = join(dir, 'manifest.json');
const HALF_TTL = 150_000; // the fixture's ttlSeconds is 300

function writeManifest(json: unknown, mtimeMs: number): void {
  writeFileSync(path, JSON.stringify(json));
  utimesSync(path, mtimeMs / 1000, mtimeMs / 1000);
}

/** A replica whose clock reads `startMs` when it loads the manifest. */
async function replica(startMs: number, deterministic = true): Promise<TestApp> {
  const clock = manualClock(startMs);
  const made = await makeApp({
    env: { CONNECTORS_MANIFEST_PATH: path, ...(deterministic ? { ASBR_DETERMINISTIC_SIGNING: 'true' } : {}) },
    readManifest: () => loadManifestFile(path),
    clock: clock.now,
  });
  await made.app.asbr.reloader.reload('startup');
  return { ...made, clock };
}

async function mapOf(r: TestApp): Promise<{ text: string; version: number; etag: string | undefined }> {
  const res = await r.app.inject({ method: 'GET', url: MAP_PATH, headers: bearer() });
  expect(res.statusCode).toBe(200);
  return {
    text: res.body,
    version: (JSON.parse(res.body) as { version: number }).version,
    etag: res.headers.etag,
  };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('epoch signing', () => {
  it('signs at the epoch start, or at a later change within the epoch, never in the future', () => {
    const now = T0 + 60_000;
    const epoch = Math.floor(now / HALF_TTL) * HALF_TTL;
    expect(epochSigningTime(now, 300)).toBe(epoch);
    expect(epochSigningTime(now, 300, epoch - 1)).toBe(epoch);
    expect(epochSigningTime(now, 300, epoch + 7)).toBe(epoch + 7);
    expect(epochSigningTime(now, 300, now + 60_000)).toBe(now);
    expect(deterministicUlid(epoch, 'a')).toBe(deterministicUlid(epoch, 'a'));
    expect(deterministicUlid(epoch, 'a')).not.toBe(deterministicUlid(epoch, 'b'));
    expect(deterministicUlid(epoch, 'a')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

describe('asbr replicas (ASBR_DETERMINISTIC_SIGNING=true)', () => {
  it('serve identical bytes for one version although they started at different times', async () => {
    const epoch = Math.floor(T0 / HALF_TTL) * HALF_TTL;
    writeManifest(fixtureJson(), epoch - 3_600_000);
    const a = await replica(epoch + 1_000);
    const b = await replica(epoch + 90_000);
    try {
      const [ma, mb] = [await mapOf(a), await mapOf(b)];
      expect(mb.text).toBe(ma.text);
      expect(mb.etag).toBe(ma.etag);
      expect(ma.version).toBe(epoch);

      // a manifest change (one file, one mtime) reaches both as the same new version
      const changedAt = epoch + 100_000;
      writeManifest({ ...fixtureJson(), manifestVersion: 'v-next' }, changedAt);
      a.clock.set(changedAt + 200);
      b.clock.set(changedAt + 900);
      await a.app.asbr.reloader.reload('watch');
      await b.app.asbr.reloader.reload('watch');
      const [na, nb] = [await mapOf(a), await mapOf(b)];
      expect(na.version).toBe(changedAt);
      expect(nb.text).toBe(na.text);

      // the re-sign at half the TTL: both move to the next epoch with the same bytes
      a.clock.set(changedAt + HALF_TTL + 5);
      b.clock.set(changedAt + HALF_TTL + 4_000);
      const [ra, rb] = [await mapOf(a), await mapOf(b)];
      expect(ra.version).toBe(epoch + HALF_TTL);
      expect(ra.version).toBeGreaterThan(na.version);
      expect(rb.text).toBe(ra.text);
    } finally {
      await a.app.close();
      await b.app.close();
    }
  });

  it('without the flag, two replicas sign different maps (versions from their own clocks)', async () => {
    writeManifest(fixtureJson(), T0 - 10_000);
    const a = await replica(T0, false);
    const b = await replica(T0 + 1_000, false);
    try {
      const [ma, mb] = [await mapOf(a), await mapOf(b)];
      expect(ma.version).not.toBe(mb.version);
      expect(ma.text).not.toBe(mb.text);
    } finally {
      await a.app.close();
      await b.app.close();
    }
  });
});
