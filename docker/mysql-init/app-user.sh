#!/bin/sh
# Run once by the mysql image on an empty data directory (docker-entrypoint-initdb.d): creates the
# application's own user with the privileges it needs on its database, and nothing else.
#   SELECT, INSERT, UPDATE, DELETE: the banners and TypeORM's migrations table;
#   CREATE, ALTER, INDEX: the api's migrations at start (and CREATE DATABASE IF NOT EXISTS);
#   DROP: `npm run migration:revert`.
set -eu
mysql --protocol=socket -uroot -p"$MYSQL_ROOT_PASSWORD" <<SQL
CREATE USER IF NOT EXISTS '${APP_DB_USER}'@'%' IDENTIFIED BY '${APP_DB_PASSWORD}';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP ON \`${MYSQL_DATABASE}\`.* TO '${APP_DB_USER}'@'%';
SQL
