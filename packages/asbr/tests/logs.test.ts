import { describe, expect, it } from 'vitest';
import { ConnectorsError } from '@cortex-os/connectors-manifest';
import { createLogger } from '@cortex-os/telemetry';
import { API_KEY, API_KEY_2, MAP_PATH, SIGNING_KEY, bearer, makeApp, manifestSource } from './helpers.js';

describe('logs', () => {
  it('never contain the signing key or any API key, even unredacted, at trace level', async () => {
    const lines: string[] = [];
    // No `secrets` option: this proves asbr never logs the values, rather than relying on redaction.
    const logger = createLogger({
      component: 'asbr',
      level: 'trace',
      destination: { write: (line: string) => void lines.push(line) },
    });
    const source = manifestSource();
    const { app } = await makeApp({ logger, readManifest: source.read });
    try {
      const wrong = 'wrong-key-presented-by-a-client';
      const statuses = [];
      for (const headers of [
        bearer(),
        bearer(API_KEY_2),
        { 'x-api-key': API_KEY },
        bearer(wrong),
        { 'x-api-key': wrong },
        {},
      ]) {
        statuses.push((await app.inject({ url: MAP_PATH, headers })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 403, 403, 401]);
      source.fail(new ConnectorsError('MANIFEST_INVALID', 'manifest invalid for the test'));
      expect((await app.asbr.reload()).ok).toBe(false);
    } finally {
      await app.close();
    }
    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of [SIGNING_KEY, API_KEY, API_KEY_2, 'wrong-key-presented-by-a-client']) {
      expect(text).not.toContain(secret);
    }
    const parsed = lines.map((line) => JSON.parse(line) as { brand: string; component: string; msg: string });
    expect(parsed.every((line) => line.brand === 'brAInwav' && line.component === 'asbr')).toBe(true);
    expect(parsed.map((line) => line.msg)).toEqual(
      expect.arrayContaining([
        'brAInwav: service map signed',
        'brAInwav: manifest loaded',
        'brAInwav: request rejected',
      ]),
    );
    expect(text).toContain('manifest invalid for the test (keeping the last good map)');
  });
});
