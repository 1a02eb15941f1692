#!/usr/bin/env bash
# restore-check.sh — proves the newest dump in BACKUP_DIR is usable: restores it into a
# scratch database with restore.sh (checksum, pg_restore, Flyway history, row counts), then
# drops the scratch database whatever happened. Exit code: restore.sh's (0 = usable).
set -euo pipefail

readonly PROG=restore-check
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -n ${BACKUP_DIR:-} ]] || die 2 "BACKUP_DIR is not set: set it to the directory that keeps the dumps"
[[ -d $BACKUP_DIR ]] || die 2 "BACKUP_DIR '$BACKUP_DIR' does not exist"
# Newest by the UTC timestamp at the end of the name (<db>-YYYYMMDDTHHMMSSZ.dump).
newest=$(find "$BACKUP_DIR" -maxdepth 1 -type f -name '*.dump' ! -name '.*' -print |
  awk -F/ '{ n = $NF; sub(/\.dump$/, "", n); print substr(n, length(n) - 15) "\t" $0 }' |
  sort | tail -n 1 | cut -f2)
[[ -n $newest ]] || die 2 "no dump in '$BACKUP_DIR' to check"

scratch="restore_check_$(date -u +%Y%m%d%H%M%S)_$$"
here=$(cd "$(dirname "$0")" && pwd)
drop_scratch() {
  psql --no-psqlrc --no-password --quiet -v ON_ERROR_STOP=1 --dbname="${RESTORE_MAINTENANCE_DB:-postgres}" \
    -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null 2>&1 ||
    echo "restore-check: error: could not drop the scratch database '$scratch': drop it by hand" >&2
}
trap drop_scratch EXIT

echo "restore-check: checking $newest"
"$here/restore.sh" "$newest" "$scratch"
echo "restore-check: ok: ${newest##*/} restores and passes the checks"
