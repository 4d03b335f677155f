/**
 * Newline-delimited framing of a child's stdout, with the SDK `ReadBuffer`'s rules: `append` throws (and drops
 * what is buffered) when the buffered bytes plus the chunk exceed `maxBytes`; a line ends at `\n`, one trailing
 * `\r` is dropped. It hands back lines, so the transport can parse each one once and take a fast path for the
 * responses to its raw requests before the SDK's schema parse.
 */
export class LineReader {
  #buffer: Buffer | undefined;

  constructor(private readonly maxBytes: number) {}

  append(chunk: Buffer): void {
    if ((this.#buffer?.length ?? 0) + chunk.length > this.maxBytes) {
      this.clear();
      throw new Error(`ReadBuffer exceeded maximum size of ${this.maxBytes} bytes`);
    }
    this.#buffer = this.#buffer ? Buffer.concat([this.#buffer, chunk]) : chunk;
  }

  /** The next complete line (without its `\n` and a trailing `\r`), or null when none is buffered. */
  next(): string | null {
    const buffer = this.#buffer;
    if (!buffer) return null;
    const index = buffer.indexOf(10);
    if (index === -1) return null;
    const end = index > 0 && buffer[index - 1] === 13 ? index - 1 : index;
    const line = buffer.toString('utf8', 0, end);
    this.#buffer = index + 1 === buffer.length ? undefined : buffer.subarray(index + 1);
    return line;
  }

  clear(): void {
    this.#buffer = undefined;
  }
}

/**
 * `value` as the `result` of a plain JSON-RPC result response (`{"jsonrpc":"2.0","id":<string>,"result":{…}}`,
 * no other member, a `result` object without `_meta`), else undefined. Exactly the messages for which the SDK's
 * `JSONRPCMessageSchema` (strict result response, loose `ResultSchema`) yields the same value unchanged; anything
 * else (`_meta` to validate, an error, extra members) takes the schema path.
 */
export function plainResultOf(value: unknown, id: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const m = value as { jsonrpc?: unknown; id?: unknown; result?: unknown };
  if (m.jsonrpc !== '2.0' || m.id !== id) return undefined;
  const result = m.result;
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  if (Object.hasOwn(result, '_meta') || Object.hasOwn(result, '__proto__')) return undefined;
  let members = 0;
  for (const key in m) if (Object.hasOwn(m, key)) members += 1;
  return members === 3 ? (result as Record<string, unknown>) : undefined;
}
