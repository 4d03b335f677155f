/** Types of haproxy.mjs (used by the TypeScript benchmarks). */
export interface HaproxyService {
  readonly name: string;
  readonly port: number;
  readonly backends: readonly number[];
}
export function haproxyConfig(services: readonly HaproxyService[], options?: { threads?: number }): string;
