#!/usr/bin/env node
// Lists the tools of an MCP endpoint and calls one, with a v2 MCP client over Streamable HTTP.
// Usage: node scripts/stack/mcp-call.mjs <url> <tool> ['<json arguments>']   (key: MCP_API_KEY, sent as a Bearer token)
const sdk = new URL(
  '../../packages/connectors/node_modules/@modelcontextprotocol/client/dist/index.mjs',
  import.meta.url,
);
const { Client, StreamableHTTPClientTransport } = await import(sdk.href);
const [url, tool, args = '{}'] = process.argv.slice(2);
if (!url || !tool) {
  process.stderr.write("usage: node scripts/stack/mcp-call.mjs <url> <tool> ['<json arguments>']\n");
  process.exit(64);
}
const headers = process.env.MCP_API_KEY ? { authorization: `Bearer ${process.env.MCP_API_KEY}` } : {};
const client = new Client({ name: 'brainwav-mcp-call', version: '0.1.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
try {
  const { tools } = await client.listTools();
  console.log(`tools (${tools.length}): ${tools.map((t) => t.name).join(' ')}`);
  const result = await client.callTool({ name: tool, arguments: JSON.parse(args) });
  console.log(
    JSON.stringify(
      {
        isError: result.isError ?? false,
        content: result.content,
        _meta: result._meta,
        structuredContent: result.structuredContent,
      },
      null,
      1,
    ).slice(0, 1500),
  );
} finally {
  await client.close();
}
