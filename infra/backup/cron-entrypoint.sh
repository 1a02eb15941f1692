#!/usr/bin/env bash
# Entry point of the compose `backup` service (postgres:18-alpine image, so pg_dump matches
# the server): hands the container's PG*/BACKUP_*/KEEP_*/RESTORE_* settings to the cron jobs
# (busybox crond starts jobs with an empty environment), installs the crontab, optionally
# takes a first backup, then runs busybox crond in the foreground.
#
# Overridable for tests: BACKUP_ENV_FILE (/run/backup/env), CRONTABS_DIR (/etc/crontabs),
# BACKUP_CRON_EXEC (crond -f -l 8).
set -euo pipefail

readonly PROG=backup-cron
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -n ${BACKUP_DIR:-} ]] || die 2 "BACKUP_DIR is not set"
[[ -n ${PGHOST:-} && -n ${PGDATABASE:-} ]] || die 2 "PGHOST and PGDATABASE must be set"
env_file=${BACKUP_ENV_FILE:-/run/backup/env}
crontabs=${CRONTABS_DIR:-/etc/crontabs}
mkdir -p "$(dirname "$env_file")" "$BACKUP_DIR" "$crontabs"

# A POSIX-sh file of single-quoted exports, readable by the jobs' /bin/sh; 0600 (passwords).
(
  umask 077
  : >"$env_file"
  for name in $(compgen -e); do
    case $name in
      PG* | BACKUP_* | KEEP_* | RESTORE_* | TZ)
        value=${!name}
        printf "export %s='%s'\n" "$name" "${value//\'/\'\\\'\'}" >>"$env_file"
        ;;
    esac
  done
)
cp "$(dirname "${BASH_SOURCE[0]}")/crontab" "$crontabs/root"

if [[ ${BACKUP_ON_START:-0} == 1 ]]; then
  # A fresh deployment gets its first backup now rather than at 02:15.
  "$(dirname "${BASH_SOURCE[0]}")/backup.sh" || log "first backup failed; crond keeps the schedule"
fi

# shellcheck disable=SC2086 # word splitting of the command is intended
exec ${BACKUP_CRON_EXEC:-crond -f -l 8}
