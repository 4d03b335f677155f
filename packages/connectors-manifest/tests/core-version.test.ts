import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORE_VERSION, checkRequiresCore, ERROR_STATUS, httpStatusFor } from '@cortex-os/connectors-manifest';

describe('CORE_VERSION and checkRequiresCore', () => {
  it('is the root package version', () => {
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(CORE_VERSION).toBe('0.1.0');
    expect(CORE_VERSION).toBe(root.version);
  });

  it('is satisfied by an absent or including range', () => {
    expect(checkRequiresCore({ id: 'memory' })).toBeUndefined();
    expect(checkRequiresCore({ id: 'memory', requiresCore: '^0.1.0' })).toBeUndefined();
    expect(checkRequiresCore({ id: 'memory', requiresCore: '>=0.1.0 <2' })).toBeUndefined();
    expect(checkRequiresCore({ id: 'memory', requiresCore: '^2.0.0' }, '2.3.1')).toBeUndefined();
  });

  it('names the connector, the range and the core when the range excludes it', () => {
    expect(checkRequiresCore({ id: 'memory', requiresCore: '^2.0.0' })).toBe(
      'brAInwav: connector memory requires core ^2.0.0 but this is core 0.1.0 (CORE_VERSION_MISMATCH)',
    );
    expect(checkRequiresCore({ id: 'fs', requiresCore: '^0.2.0' }, '0.1.9')).toBe(
      'brAInwav: connector fs requires core ^0.2.0 but this is core 0.1.9 (CORE_VERSION_MISMATCH)',
    );
  });

  it('reports an invalid range (a map not validated by this core) as a mismatch', () => {
    expect(checkRequiresCore({ id: 'memory', requiresCore: 'soon' })).toBe(
      'brAInwav: connector memory has an invalid requiresCore range "soon" (CORE_VERSION_MISMATCH)',
    );
  });

  it('maps the stdio and core-version codes to statuses', () => {
    expect(httpStatusFor('CORE_VERSION_MISMATCH')).toBe(501);
    expect(httpStatusFor('STDIO_CRASH_LOOP')).toBe(503);
    expect(httpStatusFor('STDIO_RESTARTING')).toBe(503);
    for (const code of [
      'STDIO_SPEC_MISSING',
      'STDIO_SPAWN_FAILED',
      'STDIO_SANDBOX_UNAVAILABLE',
      'STDIO_LIMIT_EXCEEDED',
    ] as const)
      expect(ERROR_STATUS[code]).toBe(500);
  });
});
