#!/usr/bin/env bash
# Idempotent: makes a fresh clone runnable with only Node 20 present.
# - pnpm, exactly the version pinned in package.json (npm install -g)
# - redis-server, pgbouncer and dovecot-imapd (apt-get when root; otherwise one line naming the
#   package); tests start throw-away servers of each (dovecot: the IMAP side of mailboxes)
# - docker-compose when root (optional: only the compose file check uses it)
# - dependencies (pnpm install --frozen-lockfile)
set -euo pipefail
cd "$(dirname "$0")/.."

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "bootstrap: Node.js >= 20 is required (found $(node -v 2>/dev/null || echo none))" >&2
  exit 1
fi

pinned="$(node -p 'require("./package.json").packageManager.split("@")[1]')"
if [ "$(pnpm --version 2>/dev/null || true)" != "$pinned" ]; then
  echo "bootstrap: installing pnpm ${pinned}" >&2
  if ! npm install -g "pnpm@${pinned}" >/dev/null 2>&1; then
    echo "bootstrap: could not install pnpm ${pinned}: run 'npm install -g pnpm@${pinned}'" >&2
    exit 1
  fi
  hash -r
fi

missing=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
# docker-compose (Debian's v1) only checks docker-compose.yaml in the tests: optional.
optional=()
command -v docker-compose >/dev/null 2>&1 || optional+=(docker-compose)

can_apt=false
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then can_apt=true; fi
if [ "${#missing[@]}" -gt 0 ] && [ "$can_apt" = false ]; then
  for package in "${missing[@]}"; do
    echo "bootstrap: ${package} not found: install it (as root: apt-get install -y ${package})" >&2
  done
  exit 1
fi
if [ "$can_apt" = true ] && [ "$((${#missing[@]} + ${#optional[@]}))" -gt 0 ]; then
  apt-get update -qq >/dev/null
  if [ "${#missing[@]}" -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if [ "${#optional[@]}" -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${optional[@]}" >/dev/null ||
      echo "bootstrap: docker-compose could not be installed; the compose check will be skipped" >&2
  fi
fi

pnpm install --frozen-lockfile
