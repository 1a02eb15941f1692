#!/usr/bin/env bash
# The README's first command: bootstrap, build, then the local stack (see scripts/stack.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
pnpm exec turbo run build --output-logs=errors-only
exec node scripts/stack.mjs "$@"
