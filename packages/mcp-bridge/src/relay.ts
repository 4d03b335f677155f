import { SdkError, SdkErrorCode, type CallToolResult } from '@modelcontextprotocol/client';
import type { NodeHttpClientTransport } from './node-http-transport.js';

/**
 * `tools/call` for relays (`relayToolResults`): the upstream's result unchanged, checked only for the
 * shape every MCP client relies on (an object with a `content` array), without the SDK client's schema
 * parsing and output-schema validation. The downstream client (of the gateway) validates it.
 */
export async function relayToolCall(
  transport: NodeHttpClientTransport,
  name: string,
  args: Record<string, unknown>,
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<CallToolResult> {
  const result = await transport.rawRequest('tools/call', { name, arguments: args }, options);
  if (
    typeof result !== 'object' ||
    result === null ||
    !Array.isArray((result as { content?: unknown }).content)
  )
    throw new SdkError(SdkErrorCode.InvalidResult, 'brAInwav: invalid tools/call result: no content array');
  return result as CallToolResult;
}
