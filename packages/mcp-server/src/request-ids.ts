import type { ServerResponse } from 'node:http';
import { ProtocolErrorCode } from '@modelcontextprotocol/server';
import { branded } from './brand.js';

type RequestId = string | number;

/** Ids of the JSON-RPC requests (a `method` and an `id`) in a message or a batch. */
function requestIds(message: unknown): RequestId[] {
  const messages: unknown[] = Array.isArray(message) ? message : [message];
  const ids: RequestId[] = [];
  for (const m of messages) {
    if (typeof m !== 'object' || m === null) continue;
    const { id, method } = m as { id?: unknown; method?: unknown };
    if (typeof method === 'string' && (typeof id === 'string' || typeof id === 'number')) ids.push(id);
  }
  return ids;
}

const keyOf = (id: RequestId): string => `${typeof id}:${String(id)}`;

/**
 * The request ids a session has in flight. JSON-RPC ids must be unique among a session's open requests: the
 * SDK transport routes answers by id, so a second request reusing an open id would leave one of the two HTTP
 * requests unanswered forever. A reuse is refused at once instead (HTTP 400, JSON-RPC `-32600`).
 */
export class InflightIds {
  private readonly open = new Set<string>();

  /**
   * Claims the request ids of `message` until `res` closes; false (and `res` answered 400) when one is already
   * in flight in this session. Messages that are not JSON-RPC requests claim nothing.
   */
  claim(message: unknown, res: ServerResponse): boolean {
    const ids = requestIds(message);
    if (ids.length === 0) return true;
    const keys = ids.map(keyOf);
    const taken = keys.findIndex((key) => this.open.has(key));
    if (taken !== -1 || (keys.length > 1 && new Set(keys).size !== keys.length)) {
      refuse(res, ids[taken === -1 ? 0 : taken]);
      return false;
    }
    for (const key of keys) this.open.add(key);
    res.once('close', () => {
      for (const key of keys) this.open.delete(key);
    });
    return true;
  }
}

function refuse(res: ServerResponse, id: RequestId | undefined): void {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: id ?? null,
    error: {
      code: ProtocolErrorCode.InvalidRequest,
      message: branded(
        `request id ${JSON.stringify(id)} is already in use by an open request of this session`,
      ),
    },
  });
  res.writeHead(400, { 'content-type': 'application/json' }).end(body);
}
