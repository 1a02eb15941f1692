#!/usr/bin/env bash
# Entry point of the compose `backup` service (postgres:18-alpine image, so pg_dump matches
# the server): hands the container's PG*/BACKUP_*/KEEP_* settings to the cron jobs, installs
# the crontab, optionally takes a first backup, then runs busybox crond in the foreground.
set -euo pipefail

readonly PROG=backup-cron
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -n ${BACKUP_DIR:-} ]] || die 2 "BACKUP_DIR is not set"
[[ -n ${PGHOST:-} && -n ${PGDATABASE:-} ]] || die 2 "PGHOST and PGDATABASE must be set"
mkdir -p /run/backup "$BACKUP_DIR"
umask 077
# `export -p` quotes values safely; keep only what the jobs need (passwords stay in a 0600 file).
export -p | grep -E '^(declare -x|export) (PG[A-Z]*|BACKUP_[A-Z_]*|KEEP_[A-Z]*|RESTORE_[A-Z_]*|TZ)=' \
  >/run/backup/env || true
cp /opt/backup/crontab /etc/crontabs/root

if [[ ${BACKUP_ON_START:-0} == 1 ]]; then
  # A fresh deployment gets its first backup now rather than at 02:15.
  /opt/backup/backup.sh || echo "backup-cron: first backup failed; crond keeps the schedule" >&2
fi

exec crond -f -l 8
