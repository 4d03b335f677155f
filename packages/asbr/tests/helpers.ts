import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { parseManifest, type ConnectorsError, type Manifest } from '@cortex-os/connectors-manifest';
import { createConnectorsMetrics, createSilentLogger } from '@cortex-os/telemetry';
import { buildApp, loadAsbrConfig, type AsbrConfig, type BuildAppOptions } from '../src/index.js';

export const FIXTURE_PATH = fileURLToPath(new URL('./fixtures/manifest.json', import.meta.url));
export const fixtureJson = (): Record<string, unknown> =>
  JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Record<string, unknown>;

export const SIGNING_KEY = 'brainwav-asbr-test-signing-key-0001-not-for-prod';
export const API_KEY = 'asbr-test-api-key-alpha-0001';
export const API_KEY_2 = 'asbr-test-api-key-bravo-0002';
export const T0 = Date.parse('2026-11-22T10:00:00.000Z');
export const MAP_PATH = '/v1/connectors/service-map';

/** A manual clock (ms since the epoch). */
export function manualClock(start = T0): {
  now: () => number;
  set: (ms: number) => void;
  advance: (ms: number) => void;
} {
  let current = start;
  return { now: () => current, set: (ms) => (current = ms), advance: (ms) => (current += ms) };
}

/** Sequential ULID-shaped ids: 01KAQ3Z6W5J8Y4N2B7C9D0E100, …01, … */
export function sequentialIds(): () => string {
  let n = 0;
  return () => `01KAQ3Z6W5J8Y4N2B7C9D0E1${String(n++).padStart(2, '0')}`;
}

export function testConfig(env: Record<string, string> = {}): AsbrConfig {
  return loadAsbrConfig({
    CONNECTORS_SIGNATURE_KEY: SIGNING_KEY,
    CONNECTORS_API_KEY: `${API_KEY},${API_KEY_2}`,
    CONNECTORS_MANIFEST_PATH: FIXTURE_PATH,
    ...env,
  });
}

/** A manifest source the test can swap: a JSON value, or an error to throw. */
export function manifestSource(initial: unknown = fixtureJson()): {
  read: () => Promise<Manifest>;
  set: (value: unknown) => void;
  fail: (error: ConnectorsError) => void;
} {
  let value: unknown = initial;
  let error: ConnectorsError | undefined;
  return {
    read: () => (error ? Promise.reject(error) : Promise.resolve(parseManifest(value))),
    set: (next) => {
      value = next;
      error = undefined;
    },
    fail: (next) => {
      error = next;
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  clock: ReturnType<typeof manualClock>;
  source: ReturnType<typeof manifestSource>;
}

export async function makeApp(
  overrides: Partial<BuildAppOptions> & { env?: Record<string, string>; logger?: FastifyBaseLogger } = {},
): Promise<TestApp> {
  const clock = manualClock();
  const source = manifestSource();
  const app = await buildApp({
    config: testConfig(overrides.env),
    logger: createSilentLogger('asbr-test'),
    metrics: createConnectorsMetrics(),
    clock: clock.now,
    idSource: sequentialIds(),
    readManifest: source.read,
    ...overrides,
  });
  return { app, clock, source };
}

export const bearer = (key = API_KEY): Record<string, string> => ({ authorization: `Bearer ${key}` });
