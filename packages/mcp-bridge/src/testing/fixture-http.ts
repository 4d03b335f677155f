import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers of one HTTP request the fixture received (lower-case names), with its method and JSON-RPC method. */
export interface SeenRequest {
  readonly httpMethod: string;
  readonly rpcMethod: string | undefined;
  readonly headers: Record<string, string>;
}

/** Collapses Node's header object into lower-case name → single string. */
export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Reads a request body as UTF-8 text (up to 4 MiB). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > 4 * 1024 * 1024) throw new Error('brAInwav: fixture request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a JSON-RPC error response with an HTTP status. */
export function sendJsonError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  id: unknown = null,
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id }));
}

/** JSON-RPC `method` and `id` of a parsed body (the first message of a batch). */
export function rpcInfo(body: unknown): {
  method: string | undefined;
  id: string | number | undefined;
  toolName: string | undefined;
} {
  const first: unknown = Array.isArray(body) ? body[0] : body;
  if (typeof first !== 'object' || first === null)
    return { method: undefined, id: undefined, toolName: undefined };
  const msg = first as { method?: unknown; id?: unknown; params?: { name?: unknown } };
  const method = typeof msg.method === 'string' ? msg.method : undefined;
  const id = typeof msg.id === 'string' || typeof msg.id === 'number' ? msg.id : undefined;
  const toolName = typeof msg.params?.name === 'string' ? msg.params.name : undefined;
  return { method, id, toolName };
}

/** Rule of `failNext`: how many upcoming POSTs fail, optionally only those of one JSON-RPC method. */
export interface FailRule {
  remaining: number;
  readonly method: string | undefined;
  readonly status: number;
  readonly message: string;
}

/** Consumes one failure from the rules when the JSON-RPC method matches; returns the HTTP status to answer. */
export function takeFailure(rules: FailRule[], method: string | undefined): FailRule | undefined {
  const rule = rules.find((r) => r.remaining > 0 && (r.method === undefined || r.method === method));
  if (!rule) return undefined;
  rule.remaining -= 1;
  return rule;
}
