import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  createSecretRefPolicy,
  loadManifestFile,
  readManifestFileSync,
  resolveSecretRef,
} from '@cortex-os/connectors-manifest/node';
import { canonicalize, parseSecretRef } from '@cortex-os/connectors-manifest';
import { sampleManifest } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'brainwav-manifest-'));

describe('loadManifestFile', () => {
  it('loads and validates a file', async () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, JSON.stringify(sampleManifest(2)));
    expect((await loadManifestFile(path)).connectors).toHaveLength(2);
  });

  it('names the path when missing (MANIFEST_NOT_FOUND)', async () => {
    const path = join(dir, 'missing.json');
    await expect(loadManifestFile(path)).rejects.toMatchObject({
      code: 'MANIFEST_NOT_FOUND',
      message: `brAInwav: manifest not found at ${path} (ENOENT)`,
    });
  });

  it('names the path for bad JSON and for schema errors (MANIFEST_INVALID)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    await expect(loadManifestFile(bad)).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ ...sampleManifest(1), ttlSeconds: -1 }));
    await expect(loadManifestFile(invalid)).rejects.toThrowError(
      `brAInwav: manifest ${invalid} is invalid: ttlSeconds`,
    );
  });
});

describe('readManifestFileSync', () => {
  it('gives the same manifest, bytes and branded errors as the async reader', async () => {
    const path = join(dir, 'sync-ok.json');
    const text = JSON.stringify(sampleManifest(3));
    writeFileSync(path, text);
    const read = readManifestFileSync(path);
    expect(read.text).toBe(text);
    expect(read.manifest).toEqual(await loadManifestFile(path));
    const missing = join(dir, 'sync-missing.json');
    expect(() => readManifestFileSync(missing)).toThrowError(
      `brAInwav: manifest not found at ${missing} (ENOENT)`,
    );
    const bad = join(dir, 'sync-bad.json');
    writeFileSync(bad, '{ nope');
    expect(() => readManifestFileSync(bad)).toThrowError(
      expect.objectContaining({ code: 'MANIFEST_INVALID' }),
    );
  });
});

describe('secret references', () => {
  it('resolves allowed env and file refs and never echoes values in errors', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'file-secret-value\n');
    const policy = createSecretRefPolicy({ secretDir: dir });
    expect(await resolveSecretRef('env:CONNECTOR_TOKEN', { CONNECTOR_TOKEN: 'env-secret-value' })).toBe(
      'env-secret-value',
    );
    expect(await resolveSecretRef(`file:${file}`, {}, policy)).toBe('file-secret-value');
    await expect(resolveSecretRef('env:CONNECTOR_MISSING_TOKEN', {})).rejects.toThrowError(
      'brAInwav: secretRef env:CONNECTOR_MISSING_TOKEN is not set',
    );
    await expect(resolveSecretRef(`file:${join(dir, 'nope')}`, {}, policy)).rejects.toMatchObject({
      code: 'SECRET_UNRESOLVED',
    });
    expect(() => parseSecretRef('sk-raw-secret')).toThrowError(
      'brAInwav: secretRef must be env:NAME or file:/absolute/path',
    );
  });
});

describe('canonicalize (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and normalizes numbers', () => {
    expect(canonicalize({ b: 1, a: [3e2, 1.0, 'é'], '\u20ac': true, '\r': null })).toBe(
      '{"\\r":null,"a":[300,1,"é"],"b":1,"€":true}',
    );
  });

  it('rejects lone surrogates and non-JSON with a branded error', () => {
    expect(() => canonicalize({ a: '\ud800' })).toThrowError(/^brAInwav: /);
    expect(() => canonicalize(undefined)).toThrowError(/^brAInwav: /);
  });
});

describe('base64url', () => {
  it('matches Node on large inputs, and so does the browser fallback (no Buffer global)', async () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) % 256);
    const expected = Buffer.from(bytes).toString('base64url');
    const { base64url, fromBase64url } = await import('../src/encoding.js');
    expect(base64url(bytes)).toBe(expected);
    expect(fromBase64url(expected)).toEqual(bytes);
    vi.resetModules();
    vi.stubGlobal('Buffer', undefined);
    try {
      const browser = await import('../src/encoding.js');
      expect(browser.base64url(bytes)).toBe(expected);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('hashSourceTree', () => {
  it('depends on paths and bytes, not on mtimes or listing order', async () => {
    const { hashSourceTree } = await import('@cortex-os/connectors-manifest/node');
    const { mkdirSync, utimesSync } = await import('node:fs');
    const a = mkdtempSync(join(tmpdir(), 'brainwav-tree-'));
    mkdirSync(join(a, 'sub'));
    writeFileSync(join(a, 'sub', 'x.ts'), 'export const x = 1;\n');
    writeFileSync(join(a, 'main.tsx'), 'export {};\n');
    const first = await hashSourceTree(a);
    utimesSync(join(a, 'main.tsx'), new Date(0), new Date(0));
    expect(await hashSourceTree(a)).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(join(a, 'sub', 'x.ts'), 'export const x = 2;\n');
    expect(await hashSourceTree(a)).not.toBe(first);
    expect(await hashSourceTree(join(a, 'absent'))).toBeUndefined();
  });
});
