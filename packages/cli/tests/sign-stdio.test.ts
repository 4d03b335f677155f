import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKeySet, verifyServiceMap, type ServiceMap } from '@cortex-os/connectors-manifest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../src/index.js';
import { FIXTURE_MANIFEST, HS_SECRET, NOW, runChild, runCli, tempDir } from './helpers.js';

/** Strings of the scaffold's stdio launch spec that must never reach the signed map. */
const LAUNCH_FIELDS = ['"command"', '"args"', '"env"', '"limits"', '"startup"', 'npx', 'src/server.ts'];

describe('sign with a stdio connector', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let manifestPath: string;

  beforeEach(async () => {
    dir = await tempDir();
    // the entry exactly as `cortex-connectors new` writes it, pasted into the fixture manifest
    const created = await runCli(['new', 'weather', '--dir', join(dir.path, 'weather')]);
    expect(created.code).toBe(0);
    const entry = JSON.parse(
      await readFile(join(dir.path, 'weather/manifest-entry.json'), 'utf8'),
    ) as unknown;
    const manifest = JSON.parse(await readFile(FIXTURE_MANIFEST, 'utf8')) as Record<string, unknown>;
    delete manifest.$schema;
    manifest.connectors = [...(manifest.connectors as unknown[]), entry];
    manifestPath = join(dir.path, 'connectors.manifest.json');
    await writeFile(manifestPath, JSON.stringify(manifest));
  });
  afterEach(async () => {
    await dir.remove();
  });

  const env = { CONNECTORS_SIGNATURE_KEY: HS_SECRET };

  it('--gateway-url publishes <url>/mcp/connectors/<id>, transport stdio, no launch fields; the map verifies', async () => {
    const result = await runCli(['sign', manifestPath, '--gateway-url', 'https://gw.example.com/'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const map = JSON.parse(result.stdout) as ServiceMap;
    expect(map.connectors.map((c) => c.id)).toEqual(['alpha', 'beta', 'gamma', 'weather']);
    const weather = map.connectors.find((c) => c.id === 'weather');
    expect(weather).toMatchObject({
      endpoint: 'https://gw.example.com/mcp/connectors/weather',
      transport: 'stdio',
      headers: {},
      requiresCore: '^0.1.0',
      status: 'enabled',
    });
    for (const text of LAUNCH_FIELDS) expect(JSON.stringify(weather)).not.toContain(text);
    const keys = await createKeySet([{ alg: 'HS256', secret: HS_SECRET }]);
    expect((await verifyServiceMap(result.stdout, { keys, now: new Date(NOW) })).ok).toBe(true);
  });

  it('defaults to CONNECTORS_GATEWAY_URL, then CONNECTORS_PUBLIC_URL (also from --env-file); the option wins', async () => {
    const endpointOf = async (args: string[], extra: Record<string, string>) => {
      const result = await runCli(['sign', manifestPath, ...args], { env: { ...env, ...extra } });
      expect(result.code).toBe(0);
      const map = JSON.parse(result.stdout) as ServiceMap;
      return map.connectors.find((c) => c.id === 'weather')?.endpoint;
    };
    expect(await endpointOf([], { CONNECTORS_GATEWAY_URL: 'http://127.0.0.1:7071' })).toBe(
      'http://127.0.0.1:7071/mcp/connectors/weather',
    );
    expect(
      await endpointOf([], {
        CONNECTORS_GATEWAY_URL: 'http://gw:1',
        CONNECTORS_PUBLIC_URL: 'http://public:2',
      }),
    ).toBe('http://gw:1/mcp/connectors/weather');
    expect(await endpointOf([], { CONNECTORS_PUBLIC_URL: 'http://public:2/' })).toBe(
      'http://public:2/mcp/connectors/weather',
    );
    expect(
      await endpointOf(['--gateway-url', 'http://opt:3'], { CONNECTORS_GATEWAY_URL: 'http://gw:1' }),
    ).toBe('http://opt:3/mcp/connectors/weather');
    const envFile = join(dir.path, '.env.local');
    await writeFile(envFile, 'CONNECTORS_GATEWAY_URL=http://from-file:4\n');
    expect(await endpointOf(['--env-file', envFile], {})).toBe('http://from-file:4/mcp/connectors/weather');
  });

  it('without a gateway URL: exit 1, a branded MANIFEST_INVALID naming --gateway-url and the variable, no map', async () => {
    const result = await runCli(['sign', manifestPath], { env });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'brAInwav: sign: connector weather is a stdio connector: pass --gateway-url <url> or set CONNECTORS_GATEWAY_URL (or CONNECTORS_PUBLIC_URL) to the gateway base URL its map endpoint <url>/mcp/connectors/weather is published under\n',
    });
    const out = join(dir.path, 'map.json');
    expect((await runCli(['sign', manifestPath, '--out', out], { env })).code).toBe(1);
    await expect(readFile(out, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a bad --gateway-url is a usage error (exit 64) naming the rule, never the value', async () => {
    const result = await runCli(
      ['sign', manifestPath, '--gateway-url', 'https://ops:pw-0001@gw.example.com'],
      {
        env,
      },
    );
    expect(result.code).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `brAInwav: sign: --gateway-url must not carry credentials\n\n${COMMAND_HELP.sign}\n`,
    );
    const ftp = await runCli(['sign', manifestPath, '--gateway-url', 'ftp://gw'], { env });
    expect(ftp.code).toBe(64);
    expect(ftp.stderr).toMatch(/^brAInwav: sign: --gateway-url must be an http\(s\) URL\n/);
  });

  it('a bad CONNECTORS_GATEWAY_URL / CONNECTORS_PUBLIC_URL is CONFIG_INVALID (exit 1) naming the variable', async () => {
    const bad = await runCli(['sign', manifestPath], {
      env: { ...env, CONNECTORS_GATEWAY_URL: 'https://gw.example.com/?token=tok-0001' },
    });
    expect(bad).toEqual({
      code: 1,
      stdout: '',
      stderr: 'brAInwav: sign: CONNECTORS_GATEWAY_URL must not have a query\n',
    });
    const publicUrl = await runCli(['sign', FIXTURE_MANIFEST], {
      env: { ...env, CONNECTORS_PUBLIC_URL: 'not a url' },
    });
    expect(publicUrl.code).toBe(1);
    expect(publicUrl.stderr).toBe('brAInwav: sign: CONNECTORS_PUBLIC_URL must be an absolute http(s) URL\n');
  });

  it('an HTTP-only manifest signs as before without a gateway URL', async () => {
    const result = await runCli(['sign', FIXTURE_MANIFEST], { env });
    expect(result.code).toBe(0);
    const map = JSON.parse(result.stdout) as ServiceMap;
    expect(map.connectors.every((c) => c.transport === 'streamable-http' || c.transport === 'sse')).toBe(
      true,
    );
  });

  it('the real bin: exit 1 without a gateway URL, 0 with --gateway-url', async () => {
    const missing = await runChild(['sign', manifestPath], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('pass --gateway-url <url> or set CONNECTORS_GATEWAY_URL');
    const ok = await runChild(['sign', manifestPath, '--gateway-url', 'http://127.0.0.1:7071'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('"endpoint": "http://127.0.0.1:7071/mcp/connectors/weather"');
  });
});
