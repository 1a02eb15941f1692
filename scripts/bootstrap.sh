#!/usr/bin/env bash
# Idempotent: makes a fresh clone runnable with only Node 20 present.
# - pnpm (the version pinned in package.json) through corepack, or npm as a fallback
# - redis-server and pgbouncer (apt-get when root; otherwise one line naming the package)
# - dependencies (pnpm install --frozen-lockfile)
set -euo pipefail
cd "$(dirname "$0")/.."

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "bootstrap: Node.js >= 20 is required (found $(node -v 2>/dev/null || echo none))" >&2
  exit 1
fi

if ! command -v pnpm >/dev/null 2>&1; then
  pinned="$(node -p 'require("./package.json").packageManager.split("@")[1]')"
  corepack enable >/dev/null 2>&1 || true
  if ! command -v pnpm >/dev/null 2>&1; then
    npm install -g "pnpm@${pinned}" >/dev/null 2>&1 || npm install -g pnpm >/dev/null
  fi
fi

missing=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    for package in "${missing[@]}"; do
      echo "bootstrap: ${package} not found: install it (as root: apt-get install -y ${package})" >&2
    done
    exit 1
  fi
fi

# --frozen-lockfile refuses to run while the pinned pnpm release is not published (pnpm then
# cannot record packageManagerDependencies); fall back to a normal install in that one case.
if ! output="$(pnpm install --frozen-lockfile 2>&1)"; then
  if grep -q "packageManagerDependencies" <<<"$output"; then
    pnpm install --no-frozen-lockfile --config.confirmModulesPurge=false
  else
    echo "$output" >&2
    exit 1
  fi
fi
