#!/bin/sh
# Run once by the postgres image when it initialises an empty data volume, as the owner
# (POSTGRES_USER): makes the application's role with scripts/postgres-roles.sql. For a volume
# made before this existed, run the same by hand (see the script's header).
set -eu
psql -v ON_ERROR_STOP=1 -X --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_role="${KEUKENTAFEL_APP_ROLE:-keukentafel_app}" \
  -v app_password="$KEUKENTAFEL_APP_PASSWORD" \
  -f /keukentafel/postgres-roles.sql
