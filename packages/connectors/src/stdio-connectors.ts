import { statSync } from 'node:fs';
import {
  checkRequiresCore,
  ConnectorsError,
  isStdioEntry,
  type StdioConnectorEntry,
} from '@cortex-os/connectors-manifest';
import { readManifestFileSync } from '@cortex-os/connectors-manifest/node';
import type { SecretResolver } from '@cortex-os/mcp-bridge';
import {
  createStdioSupervisor,
  type StdioLaunchSpec,
  type StdioSupervisor,
  type StdioSupervisorOptions,
} from '@cortex-os/stdio-supervisor';
import type { Transport } from '@modelcontextprotocol/client';
import type { Logger } from '@cortex-os/telemetry';

/** Options of {@link createStdioConnectors}. */
export interface StdioConnectorsOptions {
  /** The local manifest (the one asbr signs): the only source of stdio command lines (never the map). */
  readonly manifestPath: string | undefined;
  /** Parent of each connector's workspace `<dir>/<id>/`. */
  readonly workspacesDir: string;
  readonly resolveSecret: SecretResolver;
  readonly logger: Logger;
  /** Values redacted from the children's stderr besides their own env (the gateway's keys). */
  readonly secrets?: readonly string[];
  /** SIGTERM → SIGKILL grace of the children, ms (default the supervisor's, 2000). */
  readonly killGraceMs?: number;
  /** Tells the proxy of `id` to probe now (after an exit, when a restart is due, when it went offline). */
  readonly onChange: (connectorId: string) => void;
}

/** Supervised stdio children of the connectors server, one per stdio connector of the map. */
export interface StdioConnectors {
  /** The `createTransport` of the shared (aggregate, agents, health probe) session of connector `id`. */
  transportFor(id: string): () => Promise<Transport>;
  /**
   * A dedicated child for one passthrough session (same isolation, limits and workspace; no restarts): its
   * transport and how to end it. The passthrough stays as faithful as for HTTP, where each session is its own.
   */
  openDedicated(id: string): Promise<{ transport: Transport; close(): Promise<void> }>;
  /** Whether `id` is a stdio connector of the local manifest with `startup: "lazy"` (started on first use). */
  isLazy(id: string): boolean;
  /** Shared supervisor of `id`, when one was started (for status). */
  supervisor(id: string): StdioSupervisor | undefined;
  /** Stops every child (SIGTERM, then SIGKILL) and refuses new ones. */
  close(): Promise<void>;
}

interface CachedManifest {
  readonly mtimeMs: number;
  readonly specs: ReadonlyMap<string, StdioConnectorEntry>;
}

/** The stdio entries of the local manifest, re-read when its mtime changes. */
function manifestSpecs(path: string | undefined): () => ReadonlyMap<string, StdioConnectorEntry> {
  let cached: CachedManifest | undefined;
  return () => {
    if (!path) return new Map();
    const mtimeMs = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
    if (mtimeMs !== undefined && cached?.mtimeMs === mtimeMs) return cached.specs;
    // a missing file is the manifest reader's branded MANIFEST_NOT_FOUND
    const { manifest } = readManifestFileSync(path);
    const specs = new Map(manifest.connectors.filter(isStdioEntry).map((c) => [c.id, c] as const));
    cached = { mtimeMs: mtimeMs ?? Number.NaN, specs };
    return specs;
  };
}

/**
 * Binds the stdio connectors of the verified map to their launch specs in the local manifest and supervises
 * one shared child per connector. The map never carries a command line: a stdio connector absent from the local
 * manifest fails with `STDIO_SPEC_MISSING`; one whose `requiresCore` excludes this core with
 * `CORE_VERSION_MISMATCH`. Declared env values are resolved through the gateway's secretRef allow-list.
 */
export function createStdioConnectors(options: StdioConnectorsOptions): StdioConnectors {
  const shared = new Map<string, StdioSupervisor>();
  const dedicated = new Set<StdioSupervisor>();
  const specs = manifestSpecs(options.manifestPath);
  let closed = false;

  async function launchSpec(id: string): Promise<StdioLaunchSpec> {
    if (closed)
      throw new ConnectorsError('STDIO_SPAWN_FAILED', `stdio connector ${id}: the gateway is shutting down`);
    let spec: StdioConnectorEntry | undefined;
    try {
      spec = specs().get(id);
    } catch (error) {
      const why = error instanceof Error ? error.message.replace(/^brAInwav: /, '') : String(error);
      throw new ConnectorsError(
        'STDIO_SPEC_MISSING',
        `stdio connector ${id}: the local manifest is unusable: ${why}`,
      );
    }
    if (!spec)
      throw new ConnectorsError(
        'STDIO_SPEC_MISSING',
        `connector ${id} is stdio in the map but not in the local manifest (CONNECTORS_MANIFEST_PATH)`,
      );
    const mismatch = checkRequiresCore(spec);
    if (mismatch) throw new ConnectorsError('CORE_VERSION_MISMATCH', mismatch);
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(spec.env ?? {}))
      env[name] = await options.resolveSecret(value.secretRef);
    return {
      id,
      command: spec.command,
      args: spec.args,
      cwd: spec.cwd,
      env,
      limits: spec.limits,
      ...(spec.sandbox ? { sandbox: spec.sandbox } : {}),
    };
  }

  function supervisorOptions(extra: Partial<StdioSupervisorOptions> = {}): StdioSupervisorOptions {
    return {
      workspacesDir: options.workspacesDir,
      logger: options.logger,
      secrets: options.secrets ?? [],
      ...(options.killGraceMs === undefined ? {} : { killGraceMs: options.killGraceMs }),
      ...extra,
    };
  }

  async function sharedSupervisor(id: string): Promise<StdioSupervisor> {
    const existing = shared.get(id);
    if (existing) return existing;
    const spec = await launchSpec(id);
    const again = shared.get(id); // another caller won the race while secrets resolved
    if (again) return again;
    const created = createStdioSupervisor(
      spec,
      supervisorOptions({
        // on the next turn: the MCP client over the dead child closes first, so the probe sees the real reason
        onExit: () => setImmediate(() => options.onChange(id)),
        onRestartDue: () => options.onChange(id),
        onOffline: () => setImmediate(() => options.onChange(id)),
      }),
    );
    shared.set(id, created);
    return created;
  }

  return {
    transportFor: (id) => async () => (await sharedSupervisor(id)).connect(),
    async openDedicated(id) {
      const spec = await launchSpec(id);
      const supervisor = createStdioSupervisor(
        { ...spec, limits: { ...spec.limits, maxRestarts: 0 } },
        supervisorOptions(),
      );
      dedicated.add(supervisor);
      const close = async (): Promise<void> => {
        dedicated.delete(supervisor);
        await supervisor.close();
      };
      try {
        return { transport: await supervisor.connect(), close };
      } catch (error) {
        await close();
        throw error;
      }
    },
    isLazy(id) {
      try {
        return specs().get(id)?.startup === 'lazy';
      } catch {
        return false; // an unusable local manifest: warming shows its error at once
      }
    },
    supervisor: (id) => shared.get(id),
    async close() {
      closed = true;
      const all = [...shared.values(), ...dedicated];
      shared.clear();
      dedicated.clear();
      await Promise.all(all.map((s) => s.close()));
    },
  };
}
