import { HELLO_TOOL, helloText, packageNameOf, type ScaffoldOptions } from './types.js';

function runSection(options: ScaffoldOptions): string {
  if (options.transport === 'stdio') {
    return `The gateway's supervisor starts it as a child process (\`npx tsx ${options.dir}/src/server.ts\`,
see \`manifest-entry.json\`) and speaks MCP over its stdin/stdout. stdout is the protocol channel: log to
stderr only. \`npm start\` runs it by hand (it waits for JSON-RPC on stdin).`;
  }
  return `\`PORT=${options.port} npm start\` serves Streamable HTTP on \`http://127.0.0.1:${options.port}/mcp\` (the endpoint of
\`manifest-entry.json\`). \`PORT\` defaults to 0 (any free port, printed at start), \`HOST\` to 127.0.0.1;
add public host names to \`ALLOWED_HOSTS\` (comma-separated) when you bind elsewhere (Host header check).`;
}

/** `README.md` of the connector: run, test, register, publish. */
export function readmeSource(options: ScaffoldOptions): string {
  const { id } = options;
  return `# brAInwav connector \`${id}\`

An MCP server (TypeScript SDK v2, \`@modelcontextprotocol/server\`) scaffolded by \`cortex-connectors new\`.
Transport: **${options.transport}**. Authoring guide: \`docs/connectors/authoring.md\` in cortex-os connectors.

## Tools

- \`${HELLO_TOOL}\` \`{ name: string }\` → \`${helloText(id, '<name>')}\`; the gateway lists it as \`${id}__${HELLO_TOOL}\`.

Add tools in \`src/server.ts\` with \`server.registerTool(name, { description, inputSchema: z.object(...) }, handler)\`;
names must match \`^[a-zA-Z0-9_-]+$\`.

## Run

${runSection(options)}

## Test

\`\`\`sh
npm install
npm test        # vitest: starts the real server and calls it through an SDK Client
npm run typecheck
\`\`\`

## Register

1. Paste \`manifest-entry.json\` into \`connectors[]\` of \`config/connectors.manifest.json\`.
2. \`cortex-connectors validate config/connectors.manifest.json\`.
3. Never put a secret in the manifest: declare it by reference (\`secretRef\`, e.g. \`env:CONNECTOR_${id.toUpperCase().replaceAll('-', '_')}_TOKEN\`).

## Publish

\`npm run build && npm publish\` ships \`dist/\` with the bin \`${packageNameOf(id)}\`, so \`npx ${packageNameOf(id)}\`
starts the server. Bump \`version\` (semver) and the manifest entry's \`version\` together.
`;
}
