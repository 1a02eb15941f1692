#!/usr/bin/env bash
# The README's test command: lint, typecheck and every test tier of every package (turbo),
# then one line with the totals: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
rm -f apps/*/.jest-results.json packages/*/.jest-results.json
# A task that failed is run once more: pnpm 12 sometimes fails to start a script while it
# resolves its own pinned version (ERR_PNPM_BAD_CONFIG_DEP); tasks that passed come from the
# turbo cache the second time, so only failures run again.
turbo_twice() {
  pnpm exec turbo run "$@" || pnpm exec turbo run "$@"
}
status=0
turbo_twice lint typecheck --concurrency=2 --continue || status=$?
turbo_twice test --concurrency=2 --continue -- \
  --json --outputFile=.jest-results.json --passWithNoTests || status=$?
node scripts/test-summary.mjs || status=$?
exit "$status"
