/** Types of haproxy.mjs (used by the TypeScript benchmarks and tests). */
export interface HaproxyService {
  readonly name: string;
  readonly port: number;
  readonly backends: readonly number[];
}
export function haproxyConfig(
  services: readonly HaproxyService[],
  options?: { threads?: number; adminSocket?: string },
): string;
export function haproxyAdmin(socketPath: string, command: string): Promise<string>;
export function haproxyServers(
  socketPath: string,
  backend: string,
): Promise<Record<string, { op: number; maint: boolean }>>;
