import { join } from 'node:path';
import { SCAFFOLD_REQUIRES_CORE, SCAFFOLD_VERSION, displayNameOf, type ScaffoldOptions } from './types.js';

/** A manifest connector entry as the scaffold emits it (plain JSON, the shape of the manifest schema). */
export type ManifestEntryJson = Readonly<Record<string, unknown>>;

function common(options: ScaffoldOptions): Record<string, unknown> {
  return {
    id: options.id,
    version: SCAFFOLD_VERSION,
    displayName: displayNameOf(options.id),
    description: `brAInwav connector ${options.id} (${options.transport}), scaffolded by cortex-connectors new.`,
  };
}

const POLICY = {
  auth: { type: 'none' },
  scopes: ['tools:call'],
  quotas: { perMinute: 60, perHour: 1000 },
  enabled: true,
  metadata: { brand: 'brAInwav' },
} as const;

/**
 * The stdio entry: the gateway's supervisor launches `npx tsx <dir>/src/server.ts` in `<dir>` (so npx finds the
 * scaffold's own tsx in `<dir>/node_modules` instead of fetching one into the workspace; HOME stays the workspace).
 */
function stdioEntry(options: ScaffoldOptions): ManifestEntryJson {
  return {
    ...common(options),
    transport: 'stdio',
    command: 'npx',
    args: ['tsx', join(options.dir, 'src/server.ts')],
    cwd: options.dir,
    env: {},
    limits: { memoryMb: 256, maxRestarts: 5 },
    startup: 'lazy',
    ...POLICY,
    requiresCore: SCAFFOLD_REQUIRES_CORE,
  };
}

/** The http entry, shaped like the Streamable HTTP entries of `config/connectors.manifest.json`. */
function httpEntry(options: ScaffoldOptions): ManifestEntryJson {
  const { auth, scopes, quotas, enabled, metadata } = POLICY;
  return {
    ...common(options),
    endpoint: `http://127.0.0.1:${options.port}/mcp`,
    transport: 'streamable-http',
    auth,
    headers: {},
    scopes,
    ttlSeconds: 300,
    quotas,
    enabled,
    metadata,
    requiresCore: SCAFFOLD_REQUIRES_CORE,
  };
}

/**
 * The entry to paste into `connectors[]` of `config/connectors.manifest.json` for a scaffolded connector:
 * stdio (`command`/`args`/`env`/`limits`/`startup`) or Streamable HTTP (`endpoint` on `options.port`).
 */
export function manifestEntry(options: ScaffoldOptions): ManifestEntryJson {
  return options.transport === 'stdio' ? stdioEntry(options) : httpEntry(options);
}
