#!/usr/bin/env node
// Enforces the one-way package graph of docs/architecture.md: every workspace dependency (declared or imported in
// src/) must be an allowed edge, and imports go through a package's public door (`@cortex-os/<name>` or a declared
// subpath export), never a deep path.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/pnpm.mjs';

const m = '@cortex-os/connectors-manifest';
const t = '@cortex-os/telemetry';
const b = '@cortex-os/mcp-bridge';
const a = '@cortex-os/asbr';
const k = '@cortex-os/server-kit';
const p = '@cortex-os/policy';
const s = '@cortex-os/stdio-supervisor';
/** Allowed runtime edges; `dev` edges are for tests only (a real asbr in a test, say). */
const ALLOWED = {
  [m]: { deps: [], dev: [] },
  [t]: { deps: [m], dev: [] },
  [k]: { deps: [m, t], dev: [] },
  [p]: { deps: [m], dev: [] },
  [a]: { deps: [m, t, k], dev: [] },
  '@cortex-os/connectors-cli': { deps: [m, p, '@cortex-os/agents'], dev: [] },
  [b]: { deps: [m, t], dev: [] },
  [s]: { deps: [m, t], dev: [] },
  '@cortex-os/agents': { deps: [m, t, b, p], dev: [a, '@cortex-os/mcp-server'] },
  '@cortex-os/mcp-server': { deps: [m, t, b, k, p], dev: [a] },
  '@cortex-os/connectors': {
    deps: [m, t, k, p, b, s, '@cortex-os/agents', '@cortex-os/mcp-server', a],
    dev: ['@cortex-os/chatgpt-dashboard', '@cortex-os/dev-auth'],
  },
  '@cortex-os/chatgpt-dashboard': { deps: [m], dev: [] },
  '@cortex-os/dev-auth': { deps: [], dev: [] },
};

const problems = [];
const packageDirs = ['packages', 'apps'].flatMap((d) =>
  readdirSync(join(ROOT, d)).map((p) => join(ROOT, d, p)),
);

function sourceFiles(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

for (const dir of packageDirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const rule = ALLOWED[pkg.name];
  if (!rule) {
    problems.push(`${pkg.name}: not in the package graph (scripts/check-boundaries.mjs)`);
    continue;
  }
  const check = (deps, allowed, kind) => {
    for (const dep of Object.keys(deps ?? {}).filter((d) => d.startsWith('@cortex-os/'))) {
      if (!allowed.includes(dep))
        problems.push(`${pkg.name}: ${kind} on ${dep} breaks the one-way package graph`);
    }
  };
  check(pkg.dependencies, rule.deps, 'dependency');
  check(pkg.devDependencies, [...rule.deps, ...rule.dev], 'devDependency');
  let srcFiles = [];
  try {
    srcFiles = sourceFiles(join(dir, 'src'));
  } catch {
    continue;
  }
  for (const file of srcFiles) {
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/from\s+['"](@cortex-os\/[^'"]+)['"]/g)) {
      const [scope, name, ...rest] = spec.split('/');
      const target = `${scope}/${name}`;
      if (target !== pkg.name && !rule.deps.includes(target))
        problems.push(`${file}: imports ${target}, not a runtime dependency edge`);
      if (rest.length > 0 && !['testing', 'node'].includes(rest.join('/')))
        problems.push(`${file}: deep import ${spec}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`brAInwav: package boundaries violated:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`brAInwav: package boundaries ok (${packageDirs.length} packages)`);
