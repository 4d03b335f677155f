#!/usr/bin/env node
// Signs in to an OAuth-protected MCP endpoint through the dev authorization server (DEVELOPMENT ONLY) with the stock
// v2 SDK client and its OAuth provider: 401 → RFC 9728 discovery → dynamic registration → PKCE authorize (automatic
// login as --user) → token; then keeps the session open and answers commands read from stdin, one JSON line each:
//   list                      → {"tools":[names]}
//   call <tool> [<json args>] → {"isError":bool,"error":{code,ruleId,...}|null,"text":"…"}
//   quit
// Usage: node scripts/stack/mcp-oauth.mjs <url> [--user alice|bob]   (e.g. http://127.0.0.1:7071/mcp)
import { createInterface } from 'node:readline';

const here = (path) => new URL(path, import.meta.url).href;
const { Client, StreamableHTTPClientTransport, UnauthorizedError } = await import(
  here('../../packages/connectors/node_modules/@modelcontextprotocol/client/dist/index.mjs')
);
const { followDevAuthorization } = await import(here('../../packages/dev-auth/dist/testing.js'));

const [url, ...rest] = process.argv.slice(2);
const user = rest[rest.indexOf('--user') + 1] ?? 'alice';
if (!url) {
  process.stderr.write('usage: node scripts/stack/mcp-oauth.mjs <url> [--user <sub>]\n');
  process.exit(64);
}
const REDIRECT = 'http://127.0.0.1:9/callback'; // never requested: the code is read from the redirect itself
const state = {};
const provider = {
  get redirectUrl() {
    return REDIRECT;
  },
  get clientMetadata() {
    return {
      client_name: 'brAInwav mcp-oauth',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  },
  clientInformation: () => state.client,
  saveClientInformation: (info) => void (state.client = info),
  tokens: () => state.tokens,
  saveTokens: (tokens) => void (state.tokens = tokens),
  redirectToAuthorization: (authorizationUrl) => void (state.authorizationUrl = authorizationUrl),
  saveCodeVerifier: (verifier) => void (state.verifier = verifier),
  codeVerifier: () => state.verifier,
  saveDiscoveryState: (discovery) => void (state.discovery = discovery),
  discoveryState: () => state.discovery,
};
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const first = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
try {
  await new Client({ name: 'brainwav-mcp-oauth', version: '0.1.0' }).connect(first);
  say({ step: 'connected without signing in (the endpoint is not OAuth-protected?)' });
} catch (error) {
  if (!(error instanceof UnauthorizedError)) throw error;
  const authorize = new URL(state.authorizationUrl);
  say({
    step: 'authorize',
    endpoint: `${authorize.origin}${authorize.pathname}`,
    resource: authorize.searchParams.get('resource'),
    pkce: authorize.searchParams.get('code_challenge_method'),
  });
  authorize.searchParams.set('login_hint', user);
  const callback = await followDevAuthorization(authorize.href, REDIRECT);
  await first.finishAuth(callback.searchParams);
  say({ step: 'token', user, scope: state.tokens.scope });
}
const client = new Client({ name: 'brainwav-mcp-oauth', version: '0.1.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
say({ step: 'ready' });

for await (const line of createInterface({ input: process.stdin })) {
  const [command, tool, ...args] = line.trim().split(' ');
  if (command === 'quit') break;
  try {
    if (command === 'list') say({ tools: (await client.listTools()).tools.map((t) => t.name) });
    else if (command === 'call') {
      const result = await client.callTool({ name: tool, arguments: JSON.parse(args.join(' ') || '{}') });
      const text = result.content?.map((c) => c.text ?? '').join(' ') ?? '';
      say({ isError: result.isError === true, error: result._meta?.['io.brainwav/error'] ?? null, text });
    } else say({ error: `unknown command ${command}: list | call <tool> [<json>] | quit` });
  } catch (error) {
    say({ error: error.message });
  }
}
await client.close();
