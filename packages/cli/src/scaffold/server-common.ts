import { HELLO_TOOL } from './types.js';

/**
 * The part of `src/server.ts` both variants share: the imports of the SDK and zod, the connector id and
 * `createServer()`, a factory of a fresh `McpServer` with the `hello` tool (zod input schema).
 */
export function serverPreamble(id: string, extraImports: readonly string[]): string {
  return `#!/usr/bin/env node
${extraImports.join('\n')}
import { z } from 'zod';

/** The manifest id of this connector (the gateway lists its tools as \`${id}__<tool>\`). */
const CONNECTOR_ID = ${JSON.stringify(id)};

/**
 * A fresh MCP server with this connector's tools. The SDK asks for one per connection (stdio) or per
 * request (HTTP), so keep it cheap and keep shared state outside.
 * Tool names must match ^[a-zA-Z0-9_-]+$ (the gateway prefixes them with "<id>__").
 */
function createServer(): McpServer {
  const server = new McpServer({ name: CONNECTOR_ID, version: '0.1.0' });
  server.registerTool(
    ${JSON.stringify(HELLO_TOOL)},
    {
      title: 'Hello',
      description: 'Greets someone by name.',
      inputSchema: z.object({ name: z.string().min(1).max(200).describe('Who to greet') }),
    },
    async ({ name }) => ({
      content: [{ type: 'text', text: \`Hello, \${name}! (brAInwav connector \${CONNECTOR_ID})\` }],
    }),
  );
  return server;
}

/** Reports an out-of-band error on stderr (never a secret: error messages only). */
function reportError(error: Error): void {
  console.error(\`brAInwav: connector \${CONNECTOR_ID}: \${error.message}\`);
}
`;
}
