#!/usr/bin/env bash
# healthcheck.sh — compose health check of the `backup` service: crond is running, the
# database answers, and the newest dump (if any yet) is younger than BACKUP_MAX_AGE_HOURS
# (default 26: one nightly run plus slack). A missed or failing nightly backup turns the
# service unhealthy.
set -euo pipefail

max_hours=${BACKUP_MAX_AGE_HOURS:-26}
pgrep crond >/dev/null 2>&1 || { echo "backup-health: crond is not running" >&2; exit 1; }
pg_isready --quiet || { echo "backup-health: database ${PGHOST:-?}:${PGPORT:-5432} is not ready" >&2; exit 1; }
if [[ -n $(find "$BACKUP_DIR" -maxdepth 1 -name '*.dump' ! -name '.*' -print -quit) ]]; then
  fresh=$(find "$BACKUP_DIR" -maxdepth 1 -name '*.dump' ! -name '.*' -mmin "-$((max_hours * 60))" -print -quit)
  [[ -n $fresh ]] || { echo "backup-health: no dump younger than ${max_hours} h in $BACKUP_DIR" >&2; exit 1; }
fi
echo "backup-health: ok"
