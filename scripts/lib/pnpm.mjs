// Runs the pinned pnpm through npx, so a fresh machine needs only Node and npm (no corepack).
import { spawnSync } from 'node:child_process';
import { delimiter, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Environment for workspace commands: `scripts/bin` (a pnpm shim; Nx runs package scripts through `pnpm run` and
 * strips node_modules paths from PATH) and `node_modules/.bin` first on PATH.
 */
export function workspaceEnv(extra = {}) {
  const path = [
    resolve(ROOT, 'scripts/bin'),
    resolve(ROOT, 'node_modules/.bin'),
    process.env.PATH ?? '',
  ].join(delimiter);
  return { ...process.env, PATH: path, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...extra };
}

/** The pnpm version every script uses; keep in step with `packageManager` in package.json. */
export const PNPM_VERSION = '10.34.8';

/**
 * Runs `pnpm <args>` with inherited stdio and returns its exit status (a number, 1 when it was killed).
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv }} [options]
 */
export function pnpm(args, options = {}) {
  const result = spawnSync('npx', ['-y', `pnpm@${PNPM_VERSION}`, ...args], {
    stdio: 'inherit',
    cwd: ROOT,
    env: workspaceEnv(options.env),
  });
  return result.status ?? 1;
}

/** Runs pnpm and exits the process with its status when it fails. */
export function pnpmOrExit(args, label) {
  const status = pnpm(args);
  if (status !== 0) {
    console.error(`brAInwav: ${label} failed (exit ${status}): pnpm ${args.join(' ')}`);
    process.exit(status);
  }
}

/**
 * What `npm start` and `npm run cluster` do first: install (frozen lockfile) unless `--skip-install`, build every
 * package unless `--skip-build`. `step` prints the progress line.
 */
export function installAndBuild(args, step) {
  if (!args.has('--skip-install')) {
    step('installing dependencies (pnpm, frozen lockfile)');
    pnpmOrExit(['install', '--frozen-lockfile', '--prefer-offline'], 'install');
  }
  if (!args.has('--skip-build')) {
    step('building every package (nx run-many -t build)');
    // pnpm() puts scripts/bin (the pinned-pnpm shim Nx needs to run package scripts) first on PATH.
    pnpmOrExit(['nx', 'run-many', '-t', 'build', '--outputStyle=stream'], 'build');
  }
}
