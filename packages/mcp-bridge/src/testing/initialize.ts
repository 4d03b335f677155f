/** A raw JSON-RPC `initialize` request (protocol 2025-06-18, no capabilities) as sent by client `name`. */
export function initializeRequest(name: string, id = 1): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name, version: '0.0.0' } },
  });
}
