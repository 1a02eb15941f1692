# lib.sh — shared helpers of the backup scripts (sourced; set PROG first).
# shellcheck shell=bash

# die CODE MESSAGE…: one line "<prog>: error: …" on stderr, exit CODE.
die() {
  local code=$1
  shift
  echo "${PROG}: error: $*" >&2
  exit "$code"
}

log() { echo "${PROG}: $*"; }

# Squashes a multi-line tool message (stdin) into one line.
one_line() { tr '\n' ' ' | sed -e 's/[[:space:]]\+/ /g' -e 's/^ //' -e 's/ $//'; }

# require_tools TOOL…: exit 2 naming the first missing one.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 ||
      die 2 "$tool not found on PATH: install the PostgreSQL client matching the server's major version"
  done
}
