#!/usr/bin/env bash
# The README's test command: formatting (prettier --check .), lint, typecheck and every test
# tier of every package (turbo), then one line with the totals: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
rm -f apps/*/.jest-results.json packages/*/.jest-results.json
status=0
pnpm exec prettier --check . || status=$?
pnpm exec turbo run lint typecheck --concurrency=2 --continue || status=$?
pnpm exec turbo run test --concurrency=2 --continue -- \
  --json --outputFile=.jest-results.json || status=$?
node scripts/test-summary.mjs || status=$?
exit "$status"
