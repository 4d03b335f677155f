import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, FIXTURE_PATH, MAP_PATH, SIGNING_KEY, fixtureJson } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  exit: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
}

function run(env: Record<string, string>): Run {
  const base = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ASBR_PORT: '0',
    LOG_LEVEL: 'info',
  };
  const child = spawn(process.execPath, ['--conditions=@cortex-os/source', '--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exit, stdout: () => out, stderr: () => err };
}

const good = {
  CONNECTORS_SIGNATURE_KEY: SIGNING_KEY,
  CONNECTORS_API_KEY: API_KEY,
  CONNECTORS_MANIFEST_PATH: FIXTURE_PATH,
};

describe('asbr main', () => {
  it('exits 66 with a branded message naming the path when the manifest is missing', async () => {
    const missing = join(tmpdir(), 'asbr-no-such-dir', 'connectors.manifest.json');
    const proc = run({ ...good, CONNECTORS_MANIFEST_PATH: missing });
    expect(await proc.exit).toBe(66);
    expect(proc.stderr()).toMatch(/^brAInwav: .*MANIFEST_NOT_FOUND/m);
    expect(proc.stderr()).toContain(missing);
  });

  it('exits 65 when the manifest is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asbr-main-'));
    dirs.push(dir);
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ id: 'x', brand: 'brAInwav', connectors: 'nope' }));
    const proc = run({ ...good, CONNECTORS_MANIFEST_PATH: path });
    expect(await proc.exit).toBe(65);
    expect(proc.stderr()).toMatch(/^brAInwav: .*\[MANIFEST_INVALID\]/m);
  });

  it('exits 78 naming the variable, never the value, when the signing key is missing or short', async () => {
    const missing = run({ CONNECTORS_API_KEY: API_KEY, CONNECTORS_MANIFEST_PATH: FIXTURE_PATH });
    const short = run({ ...good, CONNECTORS_SIGNATURE_KEY: 'too-short-signing-key' });
    expect([await missing.exit, await short.exit]).toEqual([78, 78]);
    expect(missing.stderr()).toMatch(
      /^brAInwav: CONNECTORS_SIGNATURE_KEY or CONNECTORS_SIGNING_JWK is required/,
    );
    expect(short.stderr()).toMatch(
      /^brAInwav: CONNECTORS_SIGNATURE_KEY must be at least 32 bytes \(got 21\)/,
    );
    expect(short.stderr()).not.toContain('too-short-signing-key');
  });

  it('exits 78 naming CONNECTORS_GATEWAY_URL, never the value, when the gateway URL is bad', async () => {
    const proc = run({ ...good, CONNECTORS_GATEWAY_URL: 'https://ops:gw-pass-0001@gw.example.com' });
    expect(await proc.exit).toBe(78);
    expect(proc.stderr()).toMatch(
      /^brAInwav: CONNECTORS_GATEWAY_URL must not carry credentials \[CONFIG_INVALID\]/m,
    );
    expect(proc.stderr()).not.toContain('gw-pass-0001');
  });

  it('exits 65 naming CONNECTORS_GATEWAY_URL when the manifest has a stdio connector and no gateway URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asbr-main-'));
    dirs.push(dir);
    const path = join(dir, 'stdio.json');
    const manifest = fixtureJson();
    const stdio = {
      id: 'local',
      version: '1.0.0',
      displayName: 'Local',
      transport: 'stdio',
      command: 'node',
      args: ['server.js'],
      auth: { type: 'none' },
      scopes: ['tools:call'],
      quotas: { perMinute: 60, perHour: 1000 },
    };
    writeFileSync(path, JSON.stringify({ ...manifest, connectors: [stdio] }));
    const proc = run({ ...good, CONNECTORS_MANIFEST_PATH: path });
    expect(await proc.exit).toBe(65);
    expect(proc.stderr()).toMatch(
      /^brAInwav: connector local is a stdio connector: set CONNECTORS_GATEWAY_URL .*\[MANIFEST_INVALID\]/m,
    );
  });

  it('serves, reloads on SIGHUP and shuts down gracefully on SIGTERM with exit 0', async () => {
    const proc = run(good);
    const deadline = Date.now() + 20_000;
    let url: string | undefined;
    while (url === undefined && Date.now() < deadline && proc.child.exitCode === null) {
      url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.stdout())?.[1];
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(url).toBeDefined();
    const res = await fetch(`${url}${MAP_PATH}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('brainwav_manifest_info{manifest_version="2026.11.22-1"} 1');
    expect(metrics).toContain('brainwav_process_resident_memory_bytes');
    proc.child.kill('SIGHUP');
    while (!proc.stdout().includes('"trigger":"sighup"') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(proc.stdout()).toContain('brAInwav: manifest unchanged');
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
    expect(proc.stdout()).toContain('brAInwav: asbr shutting down');
    expect(proc.stdout() + proc.stderr()).not.toContain(SIGNING_KEY);
  });
});
