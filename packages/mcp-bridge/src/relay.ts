import { SdkError, SdkErrorCode, type CallToolResult, type Transport } from '@modelcontextprotocol/client';

/**
 * A transport that can send one JSON-RPC request outside the SDK protocol layer and resolve with its raw
 * `result` (mcp-bridge's `NodeHttpClientTransport`, @cortex-os/stdio-supervisor's `StdioProcessTransport`).
 */
export interface RawRequestTransport {
  rawRequest(
    method: string,
    params: Record<string, unknown>,
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<unknown>;
}

/** True when `transport` offers {@link RawRequestTransport.rawRequest}. */
export function hasRawRequests(transport: Transport): transport is Transport & RawRequestTransport {
  return typeof (transport as Partial<RawRequestTransport>).rawRequest === 'function';
}

/**
 * `tools/call` for relays (`relayToolResults`): the upstream's result unchanged, checked only for the
 * shape every MCP client relies on (an object with a `content` array), without the SDK client's schema
 * parsing and output-schema validation. The downstream client (of the gateway) validates it.
 */
export async function relayToolCall(
  transport: RawRequestTransport,
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
