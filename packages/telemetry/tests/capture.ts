import type { DestinationStream } from '../src/index.js';

/** A pino destination that keeps every written line. */
export function capture(): DestinationStream & { lines: string[]; records(): Record<string, unknown>[] } {
  const lines: string[] = [];
  return {
    lines,
    write(chunk: string): void {
      lines.push(chunk);
    },
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
