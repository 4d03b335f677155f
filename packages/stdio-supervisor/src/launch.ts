import { accessSync, chmodSync, constants, mkdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { CONNECTOR_ID_PATTERN } from '@cortex-os/connectors-manifest';
import { StdioSupervisorError } from './errors.js';
import type { StdioLaunchSpec } from './types.js';

/** Where the external helpers live (overridable for tests of their absence). */
export interface LaunchTools {
  readonly prlimit: string;
  readonly bwrap: string;
}

/** Debian's util-linux `prlimit` and bubblewrap's `bwrap`. */
export const DEFAULT_TOOLS: LaunchTools = Object.freeze({
  prlimit: '/usr/bin/prlimit',
  bwrap: '/usr/bin/bwrap',
});

/** The fixed part of every child's PATH (the directory of the gateway's own node is put first). */
export const BASE_PATH = '/usr/local/bin:/usr/bin:/bin';

/** A resolved launch: what to spawn, in which directory, with exactly which environment. */
export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly workspace: string;
}

function invalid(spec: StdioLaunchSpec, message: string): StdioSupervisorError {
  return new StdioSupervisorError('CONFIG_INVALID', String(spec.id), message);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The child's whole environment: a minimal PATH, HOME = its workspace, LANG, then the declared env. */
export function childEnv(
  workspace: string,
  declared: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const nodeDir = dirname(process.execPath);
  const path = BASE_PATH.split(':').includes(nodeDir) ? BASE_PATH : `${nodeDir}:${BASE_PATH}`;
  return { PATH: path, HOME: workspace, LANG: 'C.UTF-8', ...declared };
}

/** Creates (or re-secures) `<workspacesDir>/<id>/` with mode 0700 and returns its absolute path. */
export function ensureWorkspace(workspacesDir: string, spec: StdioLaunchSpec): string {
  if (typeof spec.id !== 'string' || !CONNECTOR_ID_PATTERN.test(spec.id)) {
    throw invalid(
      spec,
      `stdio connector id must match ${String(CONNECTOR_ID_PATTERN)} (got ${JSON.stringify(spec.id)})`,
    );
  }
  const workspace = join(resolve(workspacesDir), spec.id);
  try {
    mkdirSync(workspace, { recursive: true, mode: 0o700 });
    chmodSync(workspace, 0o700);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new StdioSupervisorError(
      'CONFIG_INVALID',
      spec.id,
      `cannot create workspace ${workspace} (${code})`,
      {
        cause: error,
      },
    );
  }
  return workspace;
}

/** Finds `command` the way execvp would with the child's PATH; undefined when it is not an executable file. */
export function resolveCommand(command: string, cwd: string, path: string): string | undefined {
  if (command.includes('/')) {
    const full = resolve(cwd, command);
    return isExecutable(full) ? full : undefined;
  }
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const full = join(dir, command);
    if (isExecutable(full)) return full;
  }
  return undefined;
}

function positiveInt(spec: StdioLaunchSpec, name: string, value: unknown): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) <= 0)) {
    throw invalid(
      spec,
      `${spec.id}: limits.${name} must be a positive integer (got ${JSON.stringify(value) ?? typeof value})`,
    );
  }
}

/** Checks the shape of a spec a caller may have built from untyped input. */
export function validateSpec(spec: StdioLaunchSpec): void {
  if (typeof spec.command !== 'string' || spec.command.trim() === '') {
    throw invalid(spec, `${String(spec.id)}: command must be a non-empty string`);
  }
  if (
    spec.args !== undefined &&
    (!Array.isArray(spec.args) || spec.args.some((a) => typeof a !== 'string'))
  ) {
    throw invalid(spec, `${spec.id}: args must be an array of strings`);
  }
  for (const [key, value] of Object.entries(spec.env ?? {})) {
    if (typeof value !== 'string') throw invalid(spec, `${spec.id}: env.${key} must be a string`);
  }
  const limits = spec.limits ?? {};
  for (const name of ['memoryMb', 'cpuSeconds', 'openFiles', 'restartWindowSeconds'] as const) {
    positiveInt(spec, name, limits[name]);
  }
  if (limits.maxRestarts !== undefined && (!Number.isInteger(limits.maxRestarts) || limits.maxRestarts < 0)) {
    throw invalid(
      spec,
      `${spec.id}: limits.maxRestarts must be a non-negative integer (got ${limits.maxRestarts})`,
    );
  }
  positiveInt(spec, 'restartBackoffMs.initial', limits.restartBackoffMs?.initial);
  positiveInt(spec, 'restartBackoffMs.max', limits.restartBackoffMs?.max);
}

function resolveCwd(spec: StdioLaunchSpec, workspace: string): string {
  const cwd = spec.cwd === undefined ? workspace : resolve(workspace, spec.cwd);
  let isDir = false;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw invalid(spec, `${spec.id}: cwd ${cwd} is not a directory`);
  return cwd;
}

function prlimitArgs(spec: StdioLaunchSpec, tools: LaunchTools): string[] {
  const { cpuSeconds, openFiles } = spec.limits ?? {};
  if (cpuSeconds === undefined && openFiles === undefined) return [];
  if (!isExecutable(tools.prlimit)) {
    throw invalid(
      spec,
      `${spec.id}: limits.cpuSeconds/openFiles need prlimit (util-linux) at ${tools.prlimit}`,
    );
  }
  const flags = [
    ...(cpuSeconds === undefined ? [] : [`--cpu=${cpuSeconds}`]),
    ...(openFiles === undefined ? [] : [`--nofile=${openFiles}`]),
  ];
  return [tools.prlimit, ...flags, '--'];
}

/**
 * bubblewrap arguments (without the command): the whole root read-only (`/tmp` included: a private tmpfs there
 * would hide a command or script that lives under `/tmp`), only the workspace writable, no network.
 */
export function bwrapArgs(workspace: string, cwd: string, network: boolean): string[] {
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--bind', workspace, workspace,
    '--unshare-all',
    ...(network ? ['--share-net'] : []),
    '--die-with-parent',
    '--chdir', cwd,
    '--',
  ]; // prettier-ignore
}

/**
 * Resolves a spec into what to spawn: validates it, creates the workspace, builds the exact environment, resolves the
 * command on the child's PATH and wraps it in `prlimit` (CPU / open-file limits; it execs, so the pid stays the group
 * leader) and `bwrap` (sandbox). Throws `CONFIG_INVALID` with a clear message for anything unusable.
 */
export function buildLaunch(
  spec: StdioLaunchSpec,
  workspacesDir: string,
  tools: LaunchTools = DEFAULT_TOOLS,
): Launch {
  validateSpec(spec);
  const workspace = ensureWorkspace(workspacesDir, spec);
  const cwd = resolveCwd(spec, workspace);
  const env = childEnv(workspace, spec.env);
  const resolved = resolveCommand(spec.command, cwd, env.PATH ?? BASE_PATH);
  if (resolved === undefined) {
    throw new StdioSupervisorError(
      'STDIO_SPAWN_FAILED',
      spec.id,
      `${spec.id}: command ${spec.command} not found or not executable on the child's PATH`,
    );
  }
  const sandbox = spec.sandbox?.enabled
    ? [tools.bwrap, ...bwrapArgs(workspace, cwd, spec.sandbox.network === true)]
    : [];
  const argv = [...prlimitArgs(spec, tools), ...sandbox, resolved, ...(spec.args ?? [])];
  return { command: argv[0] as string, args: argv.slice(1), cwd, env, workspace };
}
