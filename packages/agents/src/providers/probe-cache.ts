import { readPersistedMap, writeMapAtomic } from '../persist.js';
import type { CapabilityProbe } from './probe.js';

/** Probes by baseURL + model: in memory, and in a JSON file when one is given. */
export interface ProbeCache {
  get(baseURL: string, model: string): Promise<CapabilityProbe | undefined>;
  set(probe: CapabilityProbe): Promise<void>;
}

/** Options of {@link createProbeCache}. */
export interface ProbeCacheOptions {
  /** JSON file shared by processes (written atomically); unset: this process only. */
  readonly file?: string;
  /** Age after which a probe is run again, ms (default 24 h). */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

const keyOf = (baseURL: string, model: string): string => `${baseURL.replace(/\/+$/, '')}|${model}`;

/** The process-wide memory of probes (what `createProbeCache` without a file shares). */
const MEMORY = new Map<string, CapabilityProbe>();

async function readFileEntries(file: string): Promise<Record<string, CapabilityProbe>> {
  const text = await readPersistedMap(file);
  if (text === undefined) return {};
  try {
    const doc = JSON.parse(text) as { entries?: Record<string, CapabilityProbe> };
    return doc.entries ?? {};
  } catch {
    return {}; // a damaged cache is probed again and rewritten
  }
}

/** A cache of capability probes, shared in memory by the process and optionally kept in `file`. */
export function createProbeCache(options: ProbeCacheOptions = {}): ProbeCache {
  const ttlMs = options.ttlMs ?? 86_400_000;
  const now = options.now ?? Date.now;
  const fresh = (p: CapabilityProbe | undefined): CapabilityProbe | undefined =>
    p && now() - Date.parse(p.probedAt) < ttlMs ? p : undefined;
  return {
    async get(baseURL, model) {
      const key = keyOf(baseURL, model);
      const inMemory = fresh(MEMORY.get(key));
      if (inMemory || !options.file) return inMemory;
      const fromFile = fresh((await readFileEntries(options.file))[key]);
      if (fromFile) MEMORY.set(key, fromFile);
      return fromFile;
    },
    async set(probe) {
      const key = keyOf(probe.baseURL, probe.model);
      MEMORY.set(key, probe);
      if (!options.file) return;
      const entries = { ...(await readFileEntries(options.file)), [key]: probe };
      await writeMapAtomic(options.file, `${JSON.stringify({ brand: 'brAInwav', entries }, null, 2)}\n`);
    },
  };
}

/** Forgets every probe held in memory (tests; a changed server). */
export function clearProbeMemory(): void {
  MEMORY.clear();
}
