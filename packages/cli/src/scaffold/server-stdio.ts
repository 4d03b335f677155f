import { serverPreamble } from './server-common.js';

/**
 * `src/server.ts` of a stdio connector: `serveStdio` of the v2 SDK (a `StdioServerTransport` over the
 * process's stdin/stdout, serving both the 2025 handshake and 2026-07-28 clients). stdout carries the
 * protocol, so the server logs to stderr only; it exits when stdin closes.
 */
export function stdioServerSource(id: string): string {
  const imports = [
    "import { McpServer } from '@modelcontextprotocol/server';",
    "import { serveStdio } from '@modelcontextprotocol/server/stdio';",
  ];
  return `${serverPreamble(id, imports)}
// stdout is the MCP channel: write logs to stderr (the gateway forwards them to its log, redacted).
serveStdio(() => createServer(), { onerror: reportError });
`;
}
