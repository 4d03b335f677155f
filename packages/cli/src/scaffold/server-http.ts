import { serverPreamble } from './server-common.js';

const HTTP_SERVING = `
const HOST = process.env.HOST ?? '127.0.0.1';
const PORT = Number(process.env.PORT ?? '0');
const MCP_PATH = '/mcp';
/** Host names accepted in the Host header (DNS rebinding protection): localhost plus ALLOWED_HOSTS. */
const ALLOWED_HOSTS = [
  ...localhostAllowedHostnames(),
  ...(process.env.ALLOWED_HOSTS ?? '').split(',').map((host) => host.trim()).filter(Boolean),
];

const mcp = createMcpHandler(() => createServer(), { onerror: reportError });

async function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** The node:http request as a web-standard Request (aborted when the client goes away). */
async function toWebRequest(req: IncomingMessage, signal: AbortSignal): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
  return new Request(new URL(req.url ?? '/', \`http://\${HOST}\`), { method, headers, body, signal });
}

/** Writes a web-standard Response (JSON or an SSE stream) to the node:http response. */
async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  res.on('close', () => void reader.cancel().catch(() => undefined));
  for (let next = await reader.read(); !next.done; next = await reader.read()) res.write(next.value);
  res.end();
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const aborted = new AbortController();
  res.on('close', () => aborted.abort());
  const request = await toWebRequest(req, aborted.signal);
  if (new URL(request.url).pathname !== MCP_PATH) {
    return sendWebResponse(res, Response.json({ error: 'brAInwav: not found (use /mcp)' }, { status: 404 }));
  }
  const rejected = hostHeaderValidationResponse(request, ALLOWED_HOSTS);
  await sendWebResponse(res, rejected ?? (await mcp.fetch(request)));
}

const http = createHttpServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    reportError(error instanceof Error ? error : new Error(String(error)));
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end();
  });
});

http.listen(PORT, HOST, () => {
  const { port } = http.address() as AddressInfo;
  console.log(\`brAInwav connector \${CONNECTOR_ID} listening on http://\${HOST}:\${port}\${MCP_PATH}\`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void mcp.close().finally(() => http.close());
    http.closeAllConnections();
  });
}
`;

/**
 * `src/server.ts` of a Streamable HTTP connector: `createMcpHandler` of the v2 SDK (2026-07-28 requests
 * and the stateless 2025 fallback, so `initialize` + `tools/call` work) behind a small node:http adapter
 * with Host header validation, on `HOST` (127.0.0.1) and `PORT` (0: any free port); prints its URL.
 */
export function httpServerSource(id: string): string {
  const imports = [
    "import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';",
    "import type { AddressInfo } from 'node:net';",
    'import {',
    '  McpServer,',
    '  createMcpHandler,',
    '  hostHeaderValidationResponse,',
    '  localhostAllowedHostnames,',
    "} from '@modelcontextprotocol/server';",
  ];
  return `${serverPreamble(id, imports)}${HTTP_SERVING}`;
}
