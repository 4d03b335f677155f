# brAInwav Cortex-OS Connectors — task runner (https://github.com/casey/just). Every recipe runs from the repo root.
# nx runs each package's `pnpm run <target>`: recipes put scripts/bin (a pinned-pnpm shim) on PATH first.

nx := "PATH=\"$PWD/scripts/bin:$PATH\" NX_DAEMON=false NX_NO_CLOUD=true npx nx"

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
build:
    {{nx}} run-many -t build --outputStyle=stream

# Rebuild only the dashboard widget (fixes the 503 troubleshooting page).
build-widget:
    {{nx}} run @cortex-os/chatgpt-dashboard:build --outputStyle=stream

# Benchmarks; results under verification/.
bench:
    npm run bench

# Lint and typecheck everything.
lint:
    npx eslint .
    {{nx}} run-many -t typecheck --outputStyle=stream

# Validate the sample (or given) manifest with the CLI (needs a build).
validate MANIFEST="config/connectors.manifest.json":
    node packages/cli/dist/bin.js validate {{MANIFEST}}
