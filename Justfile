# brAInwav Cortex-OS Connectors — task runner (https://github.com/casey/just). Every recipe runs from the repo root.
# nx runs each package's `pnpm run <target>`: recipes put a pnpm shim (npx pnpm@10.34.8) on PATH first.

shim := "tmp/stack/bin"
nx := "PATH=\"$PWD/" + shim + ":$PATH\" NX_DAEMON=false NX_NO_CLOUD=true npx nx"

# List the recipes.
default:
    @just --list

# Install, build, generate dev keys, start demo upstreams + asbr + the connectors server (Ctrl-C stops all).
start *FLAGS:
    node scripts/npm-start.mjs {{FLAGS}}

# Only the connectors server (asbr must be up at ASBR_URL); SKIP_BUILD=1 skips the build.
connectors:
    scripts/connectors/run-connectors-server.sh

# Every test (install, build, vitest) — what CI runs.
test:
    npm test

# One package's tests, e.g. `just test-project connectors`.
test-project PROJECT:
    npx vitest run --project {{PROJECT}}

# Build every package (nx, dependencies first).
build: _pnpm-shim
    {{nx}} run-many -t build --outputStyle=stream

# Rebuild only the dashboard widget (fixes the 503 troubleshooting page).
build-widget: _pnpm-shim
    {{nx}} run @cortex-os/chatgpt-dashboard:build --outputStyle=stream

# Benchmarks; results under verification/.
bench:
    npm run bench

# Lint and typecheck everything.
lint: _pnpm-shim
    npx eslint .
    {{nx}} run-many -t typecheck --outputStyle=stream

# Validate the sample (or given) manifest with the CLI (needs a build).
validate MANIFEST="config/connectors.manifest.json":
    node packages/cli/dist/bin.js validate {{MANIFEST}}

_pnpm-shim:
    @mkdir -p {{shim}} && printf '#!/bin/sh\nexec npx -y pnpm@10.34.8 "$@"\n' > {{shim}}/pnpm && chmod +x {{shim}}/pnpm
