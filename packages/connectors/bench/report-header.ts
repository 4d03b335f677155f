/** The header every connectors benchmark report starts with: when, where, how loaded the machine was, what ran. */
import { cpus, loadavg } from 'node:os';

/** When and on what a benchmark ran, and how loaded the machine was. */
export interface BenchRun {
  brand: 'brAInwav';
  at: string;
  node: string;
  cpus: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
}

/** {@link BenchRun} plus what ran: the entries and the settings of the deployed processes. */
export interface BenchHeader extends BenchRun {
  entry: string;
  settings: Record<string, string>;
}

/** The 1/5/15-minute load averages, two decimals. */
export const loadAverage = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

/** The run of a report finished now (the load average at its start taken earlier with {@link loadAverage}). */
export function benchRun(loadAverageAtStart: number[]): BenchRun {
  return {
    brand: 'brAInwav',
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAverageAtStart,
    loadAverageAtEnd: loadAverage(),
  };
}

/** {@link benchRun} with the entries and settings of what ran. */
export function benchHeader(
  loadAverageAtStart: number[],
  entry: string,
  settings: Record<string, string>,
): BenchHeader {
  return { ...benchRun(loadAverageAtStart), entry, settings };
}

/** The Markdown line under a report's title. */
export const headerLine = (r: BenchRun): string =>
  `${r.at}, Node ${r.node}, ${r.cpus} CPUs shared with other work (load average ${r.loadAverageAtStart.join(' / ')} at start, ${r.loadAverageAtEnd.join(' / ')} at the end).`;
