import { rename, writeFile } from 'node:fs/promises';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

/** Key of the `support-bot` principal (role `support`) in the test principals files. */
export const SUPPORT_KEY = 'support-bot-key-0123456789abcdef';
/** Key of the `admin-bot` principal (role `admin`). */
export const ADMIN_KEY = 'admin-bot-key-0123456789abcdef';

/** A principals file binding {@link SUPPORT_KEY} (by `keyRef`) and {@link ADMIN_KEY} (by `keySha256`). */
export function principalsFileText(adminSha256: string): string {
  return JSON.stringify({
    principals: [
      { subject: 'support-bot', roles: ['support'], keyRef: 'env:SUPPORT_BOT_KEY' },
      { subject: 'admin-bot', roles: ['admin'], keySha256: adminSha256 },
    ],
  });
}

/** An SDK client connected to `url` with `Authorization: Bearer <key>`. */
export async function connectMcp(url: string, key: string): Promise<Client> {
  const client = new Client({ name: 'brainwav-policy-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  return client;
}

/** The tool names of `tools/list`, in the order served. */
export async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((t) => t.name);
}

/** Replaces `path` atomically (write a sibling, rename over it), as editors and ConfigMaps do. */
export async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** The `_meta["io.brainwav/error"]` of a tool result, if any. */
export function errorMeta(result: { _meta?: Record<string, unknown> }): Record<string, unknown> | undefined {
  return result._meta?.['io.brainwav/error'] as Record<string, unknown> | undefined;
}

/** The value of one Prometheus sample line `name{labels} value` in `text`, or undefined. */
export function metricValue(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Tool names per connector of a snapshot body (REST list, SSE snapshot, dashboard). */
export function toolsById(snapshot: {
  connectors: readonly { id: string; tools: readonly { name: string }[] }[];
}): Record<string, string[]> {
  return Object.fromEntries(snapshot.connectors.map((c) => [c.id, c.tools.map((t) => t.name)]));
}
