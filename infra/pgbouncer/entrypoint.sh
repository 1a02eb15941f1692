#!/bin/sh
# Writes pgBouncer's auth file from the environment (no password in the image or the repo),
# then runs pgBouncer in the foreground with the production pgbouncer.ini.
#   PGBOUNCER_APP_USER      role the apps log in as (default outreach_app_user)
#   POSTGRES_APP_PASSWORD   its password (required); pgBouncer uses it for SCRAM with the
#                           clients and to log in to PostgreSQL
set -eu

user=${PGBOUNCER_APP_USER:-outreach_app_user}
if [ -z "${POSTGRES_APP_PASSWORD:-}" ]; then
  echo "pgbouncer: error: POSTGRES_APP_PASSWORD is not set: set the password of $user" >&2
  exit 2
fi
userlist=${PGBOUNCER_AUTH_FILE:-/etc/pgbouncer/userlist.txt}
umask 077
# userlist.txt quoting: a double quote inside a value is written twice.
printf '"%s" "%s"\n' \
  "$(printf '%s' "$user" | sed 's/"/""/g')" \
  "$(printf '%s' "$POSTGRES_APP_PASSWORD" | sed 's/"/""/g')" >"$userlist"

exec pgbouncer "${PGBOUNCER_INI:-/etc/pgbouncer/pgbouncer.ini}"
