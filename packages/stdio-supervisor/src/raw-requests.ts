import { ProtocolError, SdkError, SdkErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/client';

/** A request waiting for its response. */
interface Waiter {
  answer(response: JSONRPCMessage): void;
  /** Settles with a plain `result` already checked by the reader (no schema parse). */
  result(value: unknown): void;
  fail(error: Error): void;
}

/**
 * JSON-RPC requests a {@link StdioProcessTransport} sends outside the SDK protocol layer (`rawRequest`, for
 * relays that pass results on unchanged), with their own string ids (`brainwav-<n>`, never colliding with the
 * SDK client's numeric ids), timeout and abort. Same contract as mcp-bridge's `NodeHttpClientTransport`
 * raw requests: a JSON-RPC error rejects as a `ProtocolError`, the timeout as an `SdkError` `RequestTimeout`,
 * an abort with the signal's reason; the last two also send `notifications/cancelled`.
 */
export class RawRequests {
  private readonly waiting = new Map<string, Waiter>();
  private seq = 0;

  constructor(private readonly send: (message: JSONRPCMessage) => Promise<void>) {}

  request(
    method: string,
    params: Record<string, unknown>,
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<unknown> {
    const id = `brainwav-${(this.seq += 1)}`;
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<unknown>((resolve, reject) => {
      const settle = (fn: () => void): void => {
        if (!this.waiting.delete(id)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const cancel = (reason: string): void =>
        void this.send({
          jsonrpc: '2.0',
          method: 'notifications/cancelled',
          params: { requestId: id, reason },
        }).catch(() => undefined);
      const timer = setTimeout(() => {
        cancel('timeout');
        settle(() =>
          reject(new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out', { timeout: timeoutMs })),
        );
      }, timeoutMs);
      const onAbort = (): void => {
        cancel('aborted by the caller');
        settle(() => reject(signal?.reason as Error));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(id, {
        answer: (response) =>
          settle(() => {
            const error = (response as { error?: { code: number; message: string; data?: unknown } }).error;
            if (error) reject(ProtocolError.fromError(error.code, error.message, error.data));
            else resolve((response as { result?: unknown }).result);
          }),
        result: (value) => settle(() => resolve(value)),
        fail: (error) => settle(() => reject(error)),
      });
      this.send({ jsonrpc: '2.0', id, method, params }).catch((error: unknown) =>
        settle(() => reject(error instanceof Error ? error : new Error(String(error)))),
      );
    });
  }

  /** True while a raw request with this id waits (the reader's fast path asks before any schema parse). */
  waits(id: unknown): boolean {
    return typeof id === 'string' && this.waiting.has(id);
  }

  /** Settles raw request `id` with a `result` the reader already checked. */
  resolve(id: string, result: unknown): void {
    this.waiting.get(id)?.result(result);
  }

  /** Settles the waiting request `message` answers; false when it answers none of them. */
  answer(message: JSONRPCMessage): boolean {
    const id = (message as { id?: unknown }).id;
    const waiter = !('method' in message) && typeof id === 'string' ? this.waiting.get(id) : undefined;
    waiter?.answer(message);
    return waiter !== undefined;
  }

  /** Rejects every waiting request (the transport closed). */
  failAll(error: () => Error): void {
    for (const waiter of [...this.waiting.values()]) waiter.fail(error());
  }
}
