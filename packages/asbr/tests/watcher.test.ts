import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createConnectorsMetrics, createSilentLogger } from '@cortex-os/telemetry';
import { buildApp } from '../src/index.js';
import { FIXTURE_PATH, fixtureJson, testConfig } from './helpers.js';

interface Ready {
  status: string;
  manifestVersion?: string;
  reason?: string;
}

let dir: string;
let app: FastifyInstance | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asbr-watch-'));
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Polls `read` until `accept` holds or the deadline (ms) passes; returns the last value. */
async function until<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  deadlineMs = 10_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  let value = await read();
  while (!accept(value) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

/** Saves like many editors do: write a temporary file, then rename it over the original. */
function saveByRename(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

describe('manifest file watch', () => {
  it('reloads on in-place writes and rename-on-save; keeps the map when the file turns invalid', async () => {
    const path = join(dir, 'connectors.manifest.json');
    writeFileSync(path, readFileSync(FIXTURE_PATH));
    app = await buildApp({
      config: testConfig({ CONNECTORS_MANIFEST_PATH: path }),
      logger: createSilentLogger('asbr-test'),
      metrics: createConnectorsMetrics(),
      watch: { debounceMs: 20 },
    });
    const ready = async () => (await app!.inject({ url: '/readyz' })).json<Ready>();
    expect(await ready()).toMatchObject({ status: 'ready', manifestVersion: '2026.11.22-1' });

    writeFileSync(path, JSON.stringify({ ...fixtureJson(), manifestVersion: 'v-in-place' }));
    expect(await until(ready, (r) => r.manifestVersion === 'v-in-place')).toMatchObject({ status: 'ready' });

    saveByRename(path, JSON.stringify({ ...fixtureJson(), manifestVersion: 'v-renamed' }));
    expect(await until(ready, (r) => r.manifestVersion === 'v-renamed')).toMatchObject({ status: 'ready' });

    saveByRename(path, '{ "id": broken');
    const degraded = await until(ready, (r) => r.status === 'degraded');
    expect(degraded).toMatchObject({
      status: 'degraded',
      manifestVersion: 'v-renamed',
      lastError: { code: 'MANIFEST_INVALID' },
    });
    expect(degraded.reason).toContain(path);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/brainwav_manifest_reload_failures_total\{reason="MANIFEST_INVALID"\} [1-9]/);

    saveByRename(path, JSON.stringify({ ...fixtureJson(), manifestVersion: 'v-fixed' }));
    expect(await until(ready, (r) => r.manifestVersion === 'v-fixed')).toMatchObject({ status: 'ready' });
  });
});
