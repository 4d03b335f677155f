#!/usr/bin/env bash
# Adds dependencies to one workspace package, serialized through a lock so parallel work never races pnpm.
# Usage: scripts/dev/add-dep.sh packages/asbr [-D] dep@range ...
set -euo pipefail
dir=$1; shift
cd "$(dirname "$0")/../.."
name=$(node -p "require('./$dir/package.json').name")
exec flock /tmp/cortex-connectors-pnpm.lock npx -y pnpm@10.34.8 --filter "$name" add "$@"
