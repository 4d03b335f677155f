import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestJsonSchema, renderJsonSchema, serviceMapJsonSchema } from '@cortex-os/connectors-manifest';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './helpers.js';

describe('schema', () => {
  it('prints the manifest JSON Schema exactly as committed under schemas/', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(renderJsonSchema(manifestJsonSchema()));
    expect(result.stdout).toBe(
      await readFile(join(REPO_ROOT, 'schemas/connectors.manifest.schema.json'), 'utf8'),
    );
    expect(JSON.parse(result.stdout)).toMatchObject({
      $id: 'https://brainwav.dev/schemas/connectors.manifest.schema.json',
    });
  });

  it('--map prints the service map JSON Schema', async () => {
    const result = await runCli(['schema', '--map']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(renderJsonSchema(serviceMapJsonSchema()));
    expect(result.stdout).toBe(await readFile(join(REPO_ROOT, 'schemas/service-map.schema.json'), 'utf8'));
  });

  it('rejects positional arguments, exit 64', async () => {
    const result = await runCli(['schema', 'extra']);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/^brAInwav: schema: too many arguments \(expected at most 0, got 1\)\n/);
  });
});
