import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport, type ClientOptions } from '@modelcontextprotocol/client';
import { openPolicyStore, type PolicyStore } from '@cortex-os/policy';
import type { Principal } from '@cortex-os/server-kit';
import type { GatewayLogger } from '../../src/index.js';

/** A real policy file on a temp dir behind a real `PolicyStore` (no watcher: `rewrite` reloads explicitly). */
export interface TestPolicy {
  readonly store: PolicyStore;
  /** Replaces the file and reloads the store; resolves with the store's state. */
  rewrite(yaml: string): Promise<string>;
  /** Closes the store and removes the temp dir. */
  close(): Promise<void>;
}

/** Opens a `PolicyStore` over `yaml` written to a fresh temp file. */
export async function openTestPolicy(yaml: string): Promise<TestPolicy> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-policy-'));
  const path = join(dir, 'policy.yaml');
  await writeFile(path, yaml);
  const store = await openPolicyStore({ path, watch: false });
  return {
    store,
    rewrite: async (next) => {
      await writeFile(path, next);
      return (await store.reload()).state;
    },
    close: async () => {
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The mounting server's auth for tests: `Authorization: Bearer <token>` looked up in `principals` (else 401). */
export function bearerAuth(
  principals: Readonly<Record<string, Principal>>,
): (req: IncomingMessage) => Principal | null {
  return (req) => {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    return (match && principals[match[1]!]) || null;
  };
}

/** A connected v2 SDK client sending `Authorization: Bearer <token>`. */
export async function connectAs(url: string, token: string, options: ClientOptions = {}): Promise<Client> {
  const client = new Client({ name: `client-${token}`, version: '1.0.0' }, options);
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/** A raw `initialize` POST with a bearer token: status, headers and the JSON body when there is one. */
export async function rawInitialize(
  url: string,
  token: string,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    }),
  });
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.startsWith('application/json') === true;
  return { status: res.status, headers: res.headers, body: isJson ? (JSON.parse(text) as unknown) : text };
}

/** One captured log line. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** A {@link GatewayLogger} that keeps every line. */
export function captureLogger(): GatewayLogger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void =>
      void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
