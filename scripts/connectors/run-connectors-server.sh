#!/usr/bin/env bash
# Runs the brAInwav connectors server alone (asbr must already be up at ASBR_URL).
# Loads .env.local from the repository root when present (variables already set in the environment win),
# builds the package and its dependencies unless SKIP_BUILD=1, then execs node packages/connectors/dist/main.js.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [[ -f .env.local ]]; then
  while IFS='=' read -r name value; do
    [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    if [[ -z "${!name:-}" ]]; then export "$name=$value"; fi
  done < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' .env.local)
fi
export PATH="$root/scripts/bin:$PATH"  # pinned-pnpm shim: Nx runs package scripts through pnpm
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  NX_DAEMON=false NX_NO_CLOUD=true npx -y pnpm@10.34.8 nx run @cortex-os/connectors:build --outputStyle=stream
fi
exec node packages/connectors/dist/main.js
