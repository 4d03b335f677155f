import { describe, expect, it } from 'vitest';
import {
  isStdioEntry,
  parseManifest,
  safeParseManifest,
  StdioLimitsSchema,
  type StdioConnectorEntry,
} from '@cortex-os/connectors-manifest';
import { issuesOf, manifestWith, sampleManifest, sampleStdioEntry } from './helpers.js';

/** Issues of a manifest whose connectors[1] is the sample stdio entry with `patch` applied. */
function stdioIssues(patch: Record<string, unknown>): string[] {
  return issuesOf(manifestWith({ ...sampleStdioEntry(), ...patch }));
}

describe('stdio connector entries', () => {
  it('accepts the sample entry and applies every default', () => {
    const manifest = parseManifest({ ...manifestWith(sampleStdioEntry()), ttlSeconds: 120 });
    const entry = manifest.connectors[1]!;
    expect(isStdioEntry(entry)).toBe(true);
    expect(isStdioEntry(manifest.connectors[0]!)).toBe(false);
    expect(entry).toEqual({
      id: 'memory',
      version: '1.0.0',
      displayName: 'Memory',
      transport: 'stdio',
      command: 'node',
      args: ['/abs/server-memory/dist/index.js'],
      env: { MEMORY_FILE_PATH: { secretRef: 'env:CONNECTOR_MEMORY_FILE' } },
      limits: {
        memoryMb: 256,
        maxRestarts: 5,
        restartWindowSeconds: 60,
        restartBackoffMs: { initial: 500, max: 30_000 },
      },
      startup: 'lazy',
      auth: { type: 'none' },
      scopes: ['tools:call'],
      quotas: { perMinute: 60, perHour: 1000 },
      enabled: true,
      metadata: { brand: 'brAInwav' },
      ttlSeconds: 120,
    } satisfies StdioConnectorEntry);
    expect('endpoint' in entry).toBe(false);
    expect('headers' in entry).toBe(false);
    expect('sandbox' in entry).toBe(false);
  });

  it('defaults args, env and limits when omitted, and sandbox fields when sandbox is given', () => {
    const { args: _a, env: _e, limits: _l, ...bare } = sampleStdioEntry();
    const entry = parseManifest(manifestWith({ ...bare, sandbox: {}, startup: 'boot', cwd: 'data' }))
      .connectors[1] as StdioConnectorEntry;
    expect(entry).toMatchObject({
      args: [],
      env: {},
      limits: { maxRestarts: 5, restartWindowSeconds: 60, restartBackoffMs: { initial: 500, max: 30_000 } },
      sandbox: { enabled: false, network: false },
      startup: 'boot',
      cwd: 'data',
    });
    expect(StdioLimitsSchema.parse({ restartBackoffMs: { max: 900 } })).toEqual({
      maxRestarts: 5,
      restartWindowSeconds: 60,
      restartBackoffMs: { initial: 500, max: 900 },
    });
  });

  it('refuses a literal env value, naming the path and never the value', () => {
    const result = safeParseManifest(
      manifestWith({ ...sampleStdioEntry(), env: { API_TOKEN: 'sk-live-THIS-IS-A-SECRET' } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(
      'brAInwav: connectors[1].env.API_TOKEN must be { secretRef }: literal values are never allowed in env',
    );
    expect(result.error.message).not.toContain('THIS-IS-A-SECRET');
  });

  it('refuses supervisor-owned and code-injecting env names, and names outside the pattern', () => {
    const ref = { secretRef: 'env:CONNECTOR_X' };
    expect(
      stdioIssues({
        env: {
          PATH: ref,
          HOME: ref,
          LANG: ref,
          LD_PRELOAD: ref,
          NODE_OPTIONS: ref,
          'bad-name': ref,
          OK_1: ref,
        },
      }),
    ).toEqual([
      'connectors[1].env.PATH is set by the supervisor (PATH, HOME and LANG are reserved)',
      'connectors[1].env.HOME is set by the supervisor (PATH, HOME and LANG are reserved)',
      'connectors[1].env.LANG is set by the supervisor (PATH, HOME and LANG are reserved)',
      'connectors[1].env.LD_PRELOAD is not allowed: LD_* and NODE_OPTIONS could inject code into the connector process',
      'connectors[1].env.NODE_OPTIONS is not allowed: LD_* and NODE_OPTIONS could inject code into the connector process',
      'connectors[1].env["bad-name"] must match ^[A-Za-z_][A-Za-z0-9_]*$',
    ]);
  });

  it('checks env secretRefs without echoing them', () => {
    expect(
      stdioIssues({ env: { A: { secretRef: 'sk-live-abc' }, B: {}, C: { secretRef: 'env:X', value: 1 } } }),
    ).toEqual([
      'connectors[1].env.A.secretRef must be env:NAME or file:/absolute/path (value hidden)',
      'connectors[1].env.B.secretRef expected string, received undefined (got nothing)',
      'connectors[1].env.C has unknown key(s) "value"',
    ]);
  });

  it('refuses endpoint and headers on a stdio connector: the gateway publishes its URL', () => {
    expect(stdioIssues({ endpoint: 'http://127.0.0.1:9/mcp', headers: { 'X-A': 'b' } })).toEqual([
      'connectors[1].endpoint is not allowed for a stdio connector: the gateway publishes its URL',
      'connectors[1].headers is not allowed for a stdio connector: it has no upstream HTTP request (declare env with secretRefs)',
    ]);
  });

  it('requires a non-empty command without NUL; args and cwd without NUL (args never echoed)', () => {
    expect(stdioIssues({ command: '' })).toEqual([
      'connectors[1].command must be a non-empty command (got "")',
    ]);
    expect(stdioIssues({ command: 'no\u0000de', args: ['ok', 'tok\u0000en'], cwd: '' })).toEqual([
      'connectors[1].command must not contain NUL characters',
      'connectors[1].args[1] must not contain NUL characters',
      'connectors[1].cwd must be a non-empty path: absolute, or relative to the connector workspace (got "")',
    ]);
    expect(stdioIssues({ args: ['--token', 42] })).toEqual([
      'connectors[1].args[1] expected string, received number (value hidden)',
    ]);
    const { command: _c, ...noCommand } = sampleStdioEntry();
    expect(issuesOf(manifestWith(noCommand))).toEqual([
      'connectors[1].command expected string, received undefined (got nothing)',
    ]);
  });

  it('validates limits: positive ints, initial <= max, no unknown keys', () => {
    expect(stdioIssues({ limits: { restartBackoffMs: { initial: 900, max: 800 } } })).toEqual([
      'connectors[1].limits.restartBackoffMs.initial must be <= max (got 900 > 800)',
    ]);
    expect(stdioIssues({ limits: { memoryMb: 0, cpuSeconds: 1.5, maxRestarts: -1, swapMb: 1 } })).toEqual([
      'connectors[1].limits.memoryMb too small: expected number to be >0 (got 0)',
      'connectors[1].limits.cpuSeconds expected int, received number (got 1.5)',
      'connectors[1].limits.maxRestarts too small: expected number to be >0 (got -1)',
      'connectors[1].limits has unknown key(s) "swapMb"',
    ]);
  });

  it('validates sandbox and startup', () => {
    expect(stdioIssues({ sandbox: { enabled: 'yes' }, startup: 'eager' })).toEqual([
      'connectors[1].sandbox.enabled expected boolean, received string (got "yes")',
      'connectors[1].startup invalid option: expected one of "lazy"|"boot" (got "eager")',
    ]);
  });

  it('chooses the kind by transport: errors are path-precise, never a generic union error', () => {
    const input = sampleManifest(2);
    (input.connectors[1] as Record<string, unknown>).transport = 'websocket';
    expect(issuesOf(input)).toEqual([
      'connectors[1].transport must be one of "streamable-http", "sse", "stdio" (got "websocket")',
    ]);
    const http = sampleManifest(1);
    (http.connectors[0] as Record<string, unknown>).command = 'node';
    expect(issuesOf(http)).toEqual(['connectors[0] has unknown key(s) "command"']);
    const messages = stdioIssues({ command: '', env: { A: 'x' }, limits: { maxRestarts: 0 } }).join('\n');
    expect(messages).not.toMatch(/union/i);
  });

  it('reports duplicate ids across connector kinds', () => {
    expect(issuesOf(manifestWith({ ...sampleStdioEntry(), id: 'conn-0000' }))).toEqual([
      'connectors[1].id duplicates connectors[0].id (got "conn-0000")',
    ]);
  });
});

describe('requiresCore', () => {
  it('accepts a valid semver range on both kinds', () => {
    const input = manifestWith({ ...sampleStdioEntry(), requiresCore: '>=0.1.0 <1' });
    (input.connectors[0] as Record<string, unknown>).requiresCore = '^0.1.0';
    const manifest = parseManifest(input);
    expect(manifest.connectors.map((c) => c.requiresCore)).toEqual(['^0.1.0', '>=0.1.0 <1']);
  });

  it('refuses an invalid range with its path and value', () => {
    const input = manifestWith({ ...sampleStdioEntry(), requiresCore: 'not-a-range' });
    (input.connectors[0] as Record<string, unknown>).requiresCore = 7;
    expect(issuesOf(input)).toEqual([
      'connectors[0].requiresCore expected string, received number (got 7)',
      'connectors[1].requiresCore must be a valid semver range (got "not-a-range")',
    ]);
  });
});
