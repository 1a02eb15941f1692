#!/bin/sh
# One-shot after Flyway: creates the login role the apps use through pgBouncer
# (outreach_app_user) and makes it a member of outreach_app (RLS-bound) once that role exists.
set -eu
: "${POSTGRES_APP_PASSWORD:?POSTGRES_APP_PASSWORD is not set: set the password of outreach_app_user}"
psql -v ON_ERROR_STOP=1 -v password="$POSTGRES_APP_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE outreach_app_user LOGIN PASSWORD %L', :'password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'outreach_app_user') \gexec
SELECT format('ALTER ROLE outreach_app_user PASSWORD %L', :'password') \gexec
SELECT 'GRANT outreach_app TO outreach_app_user'
WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'outreach_app') \gexec
GRANT CONNECT ON DATABASE outreach TO outreach_app_user;
SQL
