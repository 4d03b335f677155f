import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '@cortex-os/connectors-manifest';
import { loadManifestFile } from '@cortex-os/connectors-manifest/node';

const SAMPLE = fileURLToPath(new URL('../../../config/connectors.manifest.json', import.meta.url));

describe('config/connectors.manifest.json (sample used by npm start)', () => {
  it('validates and declares the demo upstreams, one disabled, secrets only by reference', async () => {
    const manifest = await loadManifestFile(SAMPLE);
    expect(manifest.brand).toBe('brAInwav');
    const byId = Object.fromEntries(manifest.connectors.map((c) => [c.id, c]));
    expect(byId.everything).toMatchObject({
      endpoint: 'http://127.0.0.1:7101/mcp',
      auth: { type: 'none' },
      enabled: true,
    });
    // local stdio servers run by the gateway: a command line, env only by secretRef, no endpoint of their own
    expect(byId.memory).toMatchObject({
      transport: 'stdio',
      command: 'node',
      env: { MEMORY_FILE_PATH: { secretRef: 'env:CONNECTOR_MEMORY_FILE' } },
      startup: 'boot',
      enabled: true,
    });
    expect(byId.memory).not.toHaveProperty('endpoint');
    expect(byId.files).toMatchObject({ transport: 'stdio', startup: 'lazy', enabled: true });
    expect(byId.fixtures).toMatchObject({
      endpoint: 'http://127.0.0.1:7103/mcp',
      auth: { type: 'apiKey', headerName: 'X-Demo-Key', secretRef: 'env:CONNECTOR_FIXTURES_KEY' },
      enabled: true,
    });
    expect(byId.tasks).toMatchObject({ enabled: false });
    expect(manifest.connectors.every((c) => c.metadata.brand === 'brAInwav')).toBe(true);
    const raw = JSON.parse(readFileSync(SAMPLE, 'utf8')) as Record<string, unknown>;
    expect(raw.$schema).toBe('../schemas/connectors.manifest.schema.json');
    expect(parseManifest(raw).connectors).toHaveLength(5);
  });
});
