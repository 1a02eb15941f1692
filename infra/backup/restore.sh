#!/usr/bin/env bash
# restore.sh DUMP TARGET_DB — restore a backup.sh dump into a NEW database and prove it usable.
#
# Connection: libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD (direct to PostgreSQL, as a
# role allowed to CREATE DATABASE and to write every row: a superuser in practice).
#   RESTORE_MAINTENANCE_DB  database to connect to for CREATE/DROP DATABASE (default postgres)
#   RESTORE_JOBS            parallel pg_restore jobs (default 1)
#
# Steps: verify the checksum beside the dump (DUMP.sha256) and the archive's table of
# contents; refuse an existing TARGET_DB; create it; pg_restore --exit-on-error --no-owner
# (objects end up owned by the restoring role; grants and row-level security policies are
# restored as dumped, so the roles they name — e.g. outreach_app — must exist in the target
# cluster: roles are cluster-wide and not part of a database dump); check that
# flyway_schema_history has rows and that every migration succeeded; print the row count
# of every table. On any failure the half-restored database is dropped.
#
# Exit codes: 0 ok, 2 usage / bad input, 3 checksum or archive verification failed,
# 4 cannot connect / create the database, 5 restore failed, 6 the restored data failed a check.
set -euo pipefail

readonly PROG=restore
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 2 ]] || die 2 "usage: restore.sh DUMP TARGET_DB (got $# arguments)"
dump=$1
target=$2

require_tools pg_restore psql sha256sum
[[ -f $dump ]] || die 2 "dump file '$dump' not found"
[[ -r $dump ]] || die 2 "dump file '$dump' is not readable by $(id -un)"
[[ $target =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die 2 "TARGET_DB '$target' is not a plain database name: use lower-case letters, digits and '_'"
maintenance=${RESTORE_MAINTENANCE_DB:-postgres}
jobs=${RESTORE_JOBS:-1}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die 2 "RESTORE_JOBS must be a positive whole number, got '$jobs'"

# --- 1. The dump is the one backup.sh wrote, whole. ---
sumfile="$dump.sha256"
[[ -f $sumfile ]] || die 3 "no checksum file '$sumfile' beside the dump: refusing an unverified dump"
expected=$(cut -d' ' -f1 <"$sumfile")
[[ $expected =~ ^[0-9a-f]{64}$ ]] || die 3 "checksum file '$sumfile' does not hold a sha256 hash"
actual=$(sha256sum "$dump" | cut -d' ' -f1)
[[ $actual == "$expected" ]] || die 3 "checksum mismatch for '$dump' (expected $expected, got $actual): the dump is corrupted or truncated"
if ! errors=$(pg_restore --list "$dump" 2>&1 >/dev/null); then
  die 3 "'$dump' is not a readable pg_dump archive: $(printf '%s' "$errors" | one_line)"
fi
log "checksum ok ($actual)"

# --- 2. A new database. ---
sql() { # sql DB [psql options] — runs stdin on DB, unaligned rows, stops at the first error
  local db=$1
  shift
  psql --no-psqlrc --no-password --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 "$@" --dbname="$db"
}
if ! exists=$(printf "SELECT 1 FROM pg_database WHERE datname = :'target';\n" | sql "$maintenance" -v target="$target" 2>&1); then
  die 4 "cannot connect to PostgreSQL (${PGHOST:-local socket}:${PGPORT:-5432}, database '$maintenance'): $(printf '%s' "$exists" | one_line)"
fi
[[ -z $exists ]] || die 2 "database '$target' already exists: choose a new name (restore never overwrites)"

created=0
on_exit() {
  local code=$?
  if [[ $code -ne 0 && $created -eq 1 ]]; then
    echo "${PROG}: dropping the half-restored database '$target'" >&2
    printf 'DROP DATABASE IF EXISTS "%s" WITH (FORCE);\n' "$target" | sql "$maintenance" >/dev/null 2>&1 ||
      echo "${PROG}: error: could not drop '$target': drop it by hand" >&2
  fi
  exit "$code"
}
trap on_exit EXIT

if ! errors=$(printf 'CREATE DATABASE "%s" TEMPLATE template0;\n' "$target" | sql "$maintenance" 2>&1); then
  die 4 "cannot create database '$target': $(printf '%s' "$errors" | one_line)"
fi
created=1

# --- 3. Restore. ---
log "restoring $dump into '$target'"
started=$(date +%s)
if ! errors=$(pg_restore --exit-on-error --no-owner --no-password --jobs="$jobs" --dbname="$target" "$dump" 2>&1); then
  die 5 "pg_restore into '$target' failed: $(printf '%s' "$errors" | one_line)"
fi
log "restored in $(($(date +%s) - started)) s"

# --- 4. Checks: Flyway history, row counts. ---
history=$(sql "$target" <<'SQL'
SELECT quote_ident(n.nspname) || '.flyway_schema_history'
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname = 'flyway_schema_history' AND c.relkind IN ('r', 'p')
 ORDER BY n.nspname = 'public' DESC, n.nspname
 LIMIT 1;
SQL
) || die 6 "cannot read the restored catalog"
[[ -n $history ]] || die 6 "the restored database has no flyway_schema_history table: not a dump of a migrated database"
summary=$(sql "$target" <<SQL
SELECT count(*) || ' ' || count(*) FILTER (WHERE NOT success) || ' ' ||
       coalesce((SELECT version FROM $history WHERE success AND version IS NOT NULL
                 ORDER BY installed_rank DESC LIMIT 1), '-')
  FROM $history;
SQL
) || die 6 "cannot read $history"
read -r migrations failed latest <<<"$summary"
[[ $migrations -gt 0 ]] || die 6 "$history is empty: the dump holds no applied migration"
[[ $failed -eq 0 ]] || die 6 "$history records $failed failed migration(s): repair the source database before trusting this dump"
log "flyway history ok: $migrations migration(s), latest version $latest"

# Exact counts (not estimates): this is the proof that the data came back.
counts=$(sql "$target" <<'SQL'
SELECT format('SELECT %L, count(*) FROM %I.%I', schemaname || '.' || tablename, schemaname, tablename)
  FROM pg_tables
 WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
 ORDER BY schemaname, tablename
\gexec
SQL
2>&1) || die 6 "cannot count the restored rows: $(printf '%s' "$counts" | one_line)"
tables=0
total=0
while IFS='|' read -r table rows; do
  [[ -n $table ]] || continue
  log "rows $table $rows"
  tables=$((tables + 1))
  total=$((total + rows))
done <<<"$counts"
log "ok: '$target' restored from ${dump##*/}: $tables table(s), $total row(s)"
