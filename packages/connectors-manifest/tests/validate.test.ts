import { describe, expect, it } from 'vitest';
import { ManifestValidationError, parseManifest, safeParseManifest } from '@cortex-os/connectors-manifest';
import { sampleManifest } from './helpers.js';

function issuesOf(input: unknown): string[] {
  const result = safeParseManifest(input);
  if (result.ok) throw new Error('expected the manifest to be invalid');
  return result.error.issues.map((i) => `${i.path} ${i.message}`);
}

describe('parseManifest', () => {
  it('applies defaults: transport, headers, enabled, connector ttl from the manifest', () => {
    const input = sampleManifest(1);
    const c = input.connectors[0]!;
    delete (c as { enabled?: boolean }).enabled;
    const manifest = parseManifest({ ...input, ttlSeconds: 120 });
    expect(manifest.connectors[0]).toMatchObject({
      transport: 'streamable-http',
      headers: {},
      enabled: true,
      ttlSeconds: 120,
    });
  });

  it('names the path and both values when perHour < perMinute', () => {
    const input = sampleManifest(3);
    input.connectors[2]!.quotas = { perMinute: 60, perHour: 10 };
    expect(() => parseManifest(input)).toThrowError(
      'brAInwav: connectors[2].quotas.perHour must be >= perMinute (got 10 < 60)',
    );
  });

  it('rejects ids with underscores and duplicate ids, naming the path and value', () => {
    const input = sampleManifest(2);
    input.connectors[0]!.id = 'bad_id';
    input.connectors[1]!.id = 'bad_id';
    const issues = issuesOf(input);
    expect(issues[0]).toMatch(/^connectors\[0\]\.id must match .* \(got "bad_id"\)$/);
  });

  it('reports duplicates', () => {
    const input = sampleManifest(2);
    input.connectors[1]!.id = input.connectors[0]!.id;
    expect(issuesOf(input)).toEqual(['connectors[1].id duplicates connectors[0].id (got "conn-0000")']);
  });

  it('requires secretRef unless auth is none, and headerName for apiKey', () => {
    const input = sampleManifest(1);
    input.connectors[0]!.auth = { type: 'apiKey' };
    expect(issuesOf(input).sort()).toEqual([
      'connectors[0].auth.headerName is required when type is "apiKey"',
      'connectors[0].auth.secretRef is required when type is "apiKey"',
    ]);
  });

  it('never echoes a value given where a secretRef belongs', () => {
    const input = sampleManifest(1);
    input.connectors[0]!.auth = { type: 'bearer', secretRef: 'sk-live-THIS-IS-A-SECRET' };
    const result = safeParseManifest(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).not.toContain('THIS-IS-A-SECRET');
      expect(result.error.message).toContain('connectors[0].auth.secretRef');
    }
  });

  it('refuses credentials in static headers without echoing them', () => {
    const input = sampleManifest(1);
    input.connectors[0]!.headers = { Authorization: 'Bearer hunter2-secret' };
    const result = safeParseManifest(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain('connectors[0].headers.Authorization carries credentials');
      expect(result.error.message).not.toContain('hunter2');
    }
  });

  it('rejects unknown keys, wrong brand, non-http endpoints, empty scopes', () => {
    const input = sampleManifest(1) as Record<string, unknown> & ReturnType<typeof sampleManifest>;
    (input as Record<string, unknown>).extra = 1;
    input.connectors[0]!.endpoint = 'ftp://example.com';
    input.connectors[0]!.scopes = [];
    const issues = issuesOf({ ...input, brand: 'other' });
    expect(issues).toContain('connectors[0].endpoint must be an http(s) URL (got "ftp://example.com")');
    expect(issues.some((i) => i.startsWith('brand '))).toBe(true);
    expect(issues.some((i) => i.startsWith('connectors[0].scopes '))).toBe(true);
    expect(issues).toContain(' has unknown key(s) "extra"');
  });

  it('throws a branded ManifestValidationError with code MANIFEST_INVALID naming the source', () => {
    try {
      parseManifest({}, 'config/x.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestValidationError);
      expect((error as ManifestValidationError).code).toBe('MANIFEST_INVALID');
      expect((error as Error).message).toMatch(/^brAInwav: manifest config\/x\.json is invalid: /);
    }
  });
});
