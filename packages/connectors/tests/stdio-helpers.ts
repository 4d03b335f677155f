/** Shared pieces of the stdio connector tests: manifest entries, a stock SDK client of the gateway, polling. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { buildServiceMap, createSigner, parseManifest, signServiceMap } from '@cortex-os/connectors-manifest';
import { MCP_KEY, testEnv } from './helpers.js';

const require = createRequire(import.meta.url);
export const entry = (pkg: string): string =>
  require.resolve(`@modelcontextprotocol/${pkg}/package.json`).replace(/package\.json$/, 'dist/index.js');

export function stdioEntry(
  id: string,
  args: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    version: '1.0.0',
    displayName: `Stdio ${id}`,
    transport: 'stdio',
    command: process.execPath,
    args,
    auth: { type: 'none' },
    scopes: ['tools:call'],
    ttlSeconds: 300,
    quotas: { perMinute: 600, perHour: 10000 },
    enabled: true,
    metadata: { brand: 'brAInwav' },
    limits: { memoryMb: 512, restartBackoffMs: { initial: 100, max: 400 } },
    ...extra,
  };
}

export async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'brainwav-stdio-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${MCP_KEY}` } },
    }),
  );
  return client;
}

/** Whether pid is a live (non-zombie) process. */
export function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export async function until<T>(read: () => Promise<T> | T, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The signed service map (JSON text) of a manifest, with the gateway URL its stdio connectors are reached at. */
export async function signStdioMap(
  manifestJson: unknown,
  gatewayUrl = 'http://127.0.0.1:1',
): Promise<string> {
  const signer = await createSigner({ alg: 'HS256', secret: testEnv().CONNECTORS_SIGNATURE_KEY! });
  const map = await signServiceMap(
    buildServiceMap(parseManifest(manifestJson), {
      now: new Date(),
      id: '01TESTSTDXX000000000000001',
      version: 1,
      gatewayUrl,
    }),
    signer,
  );
  return JSON.stringify(map);
}
