-- The application's PostgreSQL role: not the owner of the tables, and unable to change or
-- delete audit rows.
--
-- Run as the role that owns the tables and runs `keukentafel migrate` (the owner), in the
-- application's database, before or after migrating; it is idempotent, run it again after a
-- migration that adds tables:
--
--   psql "$OWNER_DATABASE_URL" -v ON_ERROR_STOP=1 \
--        -v app_role=keukentafel_app -v app_password="$APP_PASSWORD" \
--        -f scripts/postgres-roles.sql
--
-- Then run `keukentafel serve` and `keukentafel worker` with DATABASE_URL naming app_role, and
-- `keukentafel migrate` with the owner. `app_password` may be left out (a role that logs in by
-- other means, or whose password is set elsewhere). docker/compose.yaml does all this.
--
-- What the role gets: SELECT, INSERT, UPDATE, DELETE on the tables (and the sequences), also on
-- tables the owner creates later (default privileges); on the audit tables SELECT and INSERT
-- only, on audit_checkpoint SELECT only (it cuts the trail through the owner's audit_cut
-- function, see api/audit/cut.py). The audit migrations (api/audit/piccolo_migrations) revoke
-- the same from every role but the owner, and triggers refuse changes even to the owner (an
-- audit row may go only behind a checkpoint).

\if :{?app_role}
\else
  \set app_role keukentafel_app
\endif

SELECT format('CREATE ROLE %I LOGIN', :'app_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role') \gexec

-- Not a superuser, no role or database creation, no bypass of row security: a plain login.
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION',
              :'app_role') \gexec

\if :{?app_password}
  SELECT format('ALTER ROLE %I PASSWORD %L', :'app_role', :'app_password') \gexec
\endif

SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'app_role') \gexec
SELECT format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), :'app_role') \gexec

-- Tables and sequences there now, and those the owner (who runs this) creates later.
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I',
              current_schema(), :'app_role') \gexec
SELECT format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I',
              current_schema(), :'app_role') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE '
              'ON TABLES TO %I', current_schema(), :'app_role') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT, UPDATE '
              'ON SEQUENCES TO %I', current_schema(), :'app_role') \gexec

-- The audit trail: read and append, nothing else (the tables exist once migrated; the audit
-- migration revokes the same when it runs after this script).
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %I', tablename, :'app_role')
FROM pg_tables
WHERE schemaname = current_schema() AND tablename IN ('audit_event', 'audit_verification')
\gexec
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM PUBLIC', tablename)
FROM pg_tables
WHERE schemaname = current_schema() AND tablename IN ('audit_event', 'audit_verification')
\gexec

-- Audit checkpoints (where retention cut a chain) are written only by the owner's audit_cut
-- function, which the application calls: the role itself reads them.
SELECT format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON %I FROM %I', tablename, :'app_role')
FROM pg_tables
WHERE schemaname = current_schema() AND tablename = 'audit_checkpoint'
\gexec
SELECT format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON %I FROM PUBLIC', tablename)
FROM pg_tables
WHERE schemaname = current_schema() AND tablename = 'audit_checkpoint'
\gexec

-- The schema migrations' own bookkeeping is the owner's business.
SELECT format('REVOKE INSERT, UPDATE, DELETE ON %I FROM %I', tablename, :'app_role')
FROM pg_tables
WHERE schemaname = current_schema() AND tablename = 'migration'
\gexec
