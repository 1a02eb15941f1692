#!/usr/bin/env bash
# backup.sh — logical backup of one PostgreSQL database, with checksum and tiered retention.
#
# Connection: the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD (or ~/.pgpass), PGDATABASE.
# Connect DIRECTLY to PostgreSQL (not through pgBouncer) as a role that can read every row:
# a superuser or a role with BYPASSRLS (pg_dump refuses to dump a table whose row-level
# security would hide rows, rather than silently writing a partial backup).
#
#   BACKUP_DIR     directory for the dumps (required, must exist and be writable)
#   KEEP_DAILY     newest dump of each of the N most recent days that have one   (default 7)
#   KEEP_WEEKLY    newest dump of each of the N most recent ISO weeks             (default 4)
#   KEEP_MONTHLY   newest dump of each of the N most recent months                (default 6)
#   BACKUP_NOW     timestamp to use instead of the clock, e.g. 2026-11-24T03:00:00Z (tests)
#
# Output: $BACKUP_DIR/<db>-<YYYYMMDDTHHMMSSZ>.dump (pg_dump custom format) and
# <same>.dump.sha256 ("<hash>  <file name>", checkable with `sha256sum -c`). Both are written
# to temporary names first and renamed once complete, so a visible *.dump is always whole.
# Retention runs only after a successful dump; a dump is kept when any tier keeps it (tiers
# are computed from the timestamps, so they are named in the log, not in the file names);
# the dump just written is never deleted. Everything is UTC.
#
# Exit codes: 0 ok, 2 bad configuration, 3 pg_dump failed (connection, authentication,
# permissions, server), 4 could not write or verify the dump (disk full, read-only), 5 the
# dump is safe but pruning old dumps failed, 6 another backup is running.
set -euo pipefail

readonly PROG=backup
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

is_count() { [[ $1 =~ ^[0-9]+$ ]]; }

require_tools pg_dump pg_restore sha256sum

[[ -n ${BACKUP_DIR:-} ]] || die 2 "BACKUP_DIR is not set: set it to the directory that keeps the dumps"
[[ -n ${PGDATABASE:-} ]] || die 2 "PGDATABASE is not set: set it to the database to back up"
[[ -d $BACKUP_DIR ]] || die 2 "BACKUP_DIR '$BACKUP_DIR' does not exist or is not a directory: create it first"
[[ -w $BACKUP_DIR && -x $BACKUP_DIR ]] || die 4 "BACKUP_DIR '$BACKUP_DIR' is not writable by $(id -un): fix its owner or mode"

KEEP_DAILY=${KEEP_DAILY:-7}
KEEP_WEEKLY=${KEEP_WEEKLY:-4}
KEEP_MONTHLY=${KEEP_MONTHLY:-6}
for name in KEEP_DAILY KEEP_WEEKLY KEEP_MONTHLY; do
  is_count "${!name}" || die 2 "$name must be a whole number (0 or more), got '${!name}'"
done

if [[ -n ${BACKUP_NOW:-} ]]; then
  [[ $BACKUP_NOW =~ ^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$ ]] ||
    die 2 "BACKUP_NOW must look like 2026-11-24T03:00:00Z, got '$BACKUP_NOW'"
  stamp="${BASH_REMATCH[1]}${BASH_REMATCH[2]}${BASH_REMATCH[3]}T${BASH_REMATCH[4]}${BASH_REMATCH[5]}${BASH_REMATCH[6]}Z"
else
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
fi

[[ $PGDATABASE =~ ^[A-Za-z0-9_.-]+$ ]] || die 2 "PGDATABASE '$PGDATABASE' cannot be used in a file name: use letters, digits, '_', '.', '-'"
prefix=$PGDATABASE
name="${prefix}-${stamp}.dump"
final="$BACKUP_DIR/$name"
tmp="$BACKUP_DIR/.tmp-${name}.$$"
tmp_sum="$BACKUP_DIR/.tmp-${name}.sha256.$$"

cleanup() {
  rm -f -- "$tmp" "$tmp_sum"
}
trap cleanup EXIT

# One backup at a time per directory (cron overlap, manual run during the nightly one).
if command -v flock >/dev/null 2>&1; then
  exec 9>>"$BACKUP_DIR/.lock" || die 4 "cannot create the lock file in '$BACKUP_DIR': is it writable and not full?"
  flock -n 9 || die 6 "another backup is running in '$BACKUP_DIR' (lock $BACKUP_DIR/.lock held)"
fi

[[ ! -e $final ]] || die 2 "a dump named '$name' already exists: wait a second or set another BACKUP_NOW"

log "dumping database '$PGDATABASE' from ${PGHOST:-local socket}:${PGPORT:-5432} to $final"
started=$(date +%s)
if ! errors=$(pg_dump --format=custom --compress=6 --no-password --file="$tmp" 2>&1); then
  msg=$(printf '%s' "$errors" | one_line)
  if [[ $msg == *"No space left"* || $msg == *"could not write"* || $msg == *"could not open output"* || $msg == *"could not close"* ]]; then
    die 4 "pg_dump could not write the dump to '$BACKUP_DIR': $msg"
  fi
  die 3 "pg_dump of '$PGDATABASE' failed: $msg"
fi

# The archive must be readable end to end (catches short writes) before it counts as a backup.
if ! errors=$(pg_restore --list "$tmp" 2>&1 >/dev/null); then
  die 4 "the new dump does not read back ($(printf '%s' "$errors" | one_line)): disk full or failing?"
fi
hash=$(sha256sum "$tmp" | cut -d' ' -f1) || die 4 "could not checksum the new dump"
printf '%s  %s\n' "$hash" "$name" >"$tmp_sum" || die 4 "could not write the checksum file in '$BACKUP_DIR': disk full?"
sync "$tmp" "$tmp_sum" 2>/dev/null || sync
# Commit point: the checksum first, then the dump (a visible dump always has its checksum).
mv -f -- "$tmp_sum" "$final.sha256" || die 4 "could not rename the checksum file into place"
mv -f -- "$tmp" "$final" || die 4 "could not rename the dump into place"
size=$(wc -c <"$final" | tr -d ' ')
log "wrote $name ($size bytes, sha256 $hash) in $(($(date +%s) - started)) s"

# ---------------------------------------------------------------------------------------
# Retention. Walk the dumps newest first; a tier keeps a dump when it is the newest one of
# a period (day / ISO week / month) that tier has not filled yet, up to the tier's count.
# ---------------------------------------------------------------------------------------
epoch_of() { # 20261124T030000Z -> seconds since epoch (GNU date and busybox date)
  local s=$1
  date -u -d "${s:0:4}-${s:4:2}-${s:6:2} ${s:9:2}:${s:11:2}:${s:13:2}" +%s
}

prune() {
  local dumps=() file base s epoch day week month reasons
  local -A seen_day=() seen_week=() seen_month=()
  local days=0 weeks=0 months=0 removed=0 kept=0
  shopt -s nullglob
  for file in "$BACKUP_DIR/${prefix}"-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z.dump; do
    dumps+=("$file")
  done
  shopt -u nullglob
  # Names sort chronologically; newest first.
  mapfile -t dumps < <(printf '%s\n' "${dumps[@]}" | sort -r)
  for file in "${dumps[@]}"; do
    [[ -n $file ]] || continue
    base=${file##*/}
    s=${base#"${prefix}-"}
    s=${s%.dump}
    epoch=$(epoch_of "$s") || return 1
    day=${s:0:8}
    month=${s:0:6}
    week=$(date -u -d "@$epoch" +%G-W%V) || return 1
    reasons=()
    if [[ -z ${seen_day[$day]:-} && $days -lt $KEEP_DAILY ]]; then
      seen_day[$day]=1
      days=$((days + 1))
      reasons+=(daily)
    fi
    if [[ -z ${seen_week[$week]:-} && $weeks -lt $KEEP_WEEKLY ]]; then
      seen_week[$week]=1
      weeks=$((weeks + 1))
      reasons+=(weekly)
    fi
    if [[ -z ${seen_month[$month]:-} && $months -lt $KEEP_MONTHLY ]]; then
      seen_month[$month]=1
      months=$((months + 1))
      reasons+=(monthly)
    fi
    # A period's newer dump was already taken: mark the period seen so an older dump of
    # the same day/week/month is never promoted in its place.
    seen_day[$day]=1
    seen_week[$week]=1
    seen_month[$month]=1
    if [[ $base == "$name" && ${#reasons[@]} -eq 0 ]]; then
      reasons+=(just-written)
    fi
    if [[ ${#reasons[@]} -gt 0 ]]; then
      kept=$((kept + 1))
      log "keep $base (${reasons[*]})"
    else
      rm -f -- "$file.sha256" "$file" || return 1
      removed=$((removed + 1))
      log "pruned $base"
    fi
  done
  log "retention daily=$KEEP_DAILY weekly=$KEEP_WEEKLY monthly=$KEEP_MONTHLY: kept $kept, pruned $removed"
}

prune || die 5 "the new dump $name is safe, but pruning old dumps failed: check '$BACKUP_DIR'"
